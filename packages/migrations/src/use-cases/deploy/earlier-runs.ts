import type { SqlRunner } from '../../adapters/db/database';
import type { BackupRecord } from '../../adapters/db/backup';
import type { DatabaseState } from './data-state';
import { latestDeployRun, runEvents } from './event-store';

/** A deploy that stopped without a last word: killed while applying, or while rolling back. */
export interface InterruptedRun {
  runId: string;
  /** It had started its automatic rollback. */
  rollingBack: boolean;
  /** What it applied, in order. */
  applied: string[];
  /** What its rollback already undid. */
  undone: string[];
  backup?: BackupRecord & { before?: DatabaseState };
}

const LAST_WORDS = new Set(['deploy_finished', 'rollback_finished', 'rollback_failed', 'superseded']);

/**
 * The latest deploy run that neither finished, nor finished rolling back, nor was refused before
 * changing anything, nor was taken over by a later run; undefined when there is none.
 */
export async function latestInterruptedRun(database: SqlRunner, currentRunId: string): Promise<InterruptedRun | undefined> {
  const latest = await latestDeployRun(database, currentRunId);
  if (!latest) return undefined;
  const events = await runEvents(database, latest);
  const kinds = new Set(events.map((event) => event.kind));
  // A run refused before its backup changed nothing; one that failed after it was rolling back.
  if ([...kinds].some((kind) => LAST_WORDS.has(kind)) || !kinds.has('backup_taken')) return undefined;
  const rollingBack = kinds.has('deploy_failed') || kinds.has('rollback_started');
  const of = (kind: string) => events.filter((event) => event.kind === kind).flatMap((event) => event.migrations);
  return {
    runId: latest,
    rollingBack,
    applied: of('migration_applied'),
    undone: of('migration_rolled_back'),
    backup: (events.find((event) => event.kind === 'backup_taken')?.details as InterruptedRun['backup'] | null) ?? undefined,
  };
}
