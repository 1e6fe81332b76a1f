import { archiveTargets } from '../../core/archive/archive-targets';
import { readStatements } from '../../core/sql/statements';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import type { DeployInput } from '../deploy';
import { captureBefore } from '../shared/archive-capture';
import type { EventLog } from './event-log';

/** Before a migration runs: archive what it drops, recorded in the history; what cannot be archived is a warning naming the backup. */
export async function archiveBefore(
  input: Pick<DeployInput, 'parser' | 'target' | 'archive'>,
  events: EventLog,
  migration: MigrationFolder,
  runId: string,
  warnings: string[],
): Promise<void> {
  const targets = archiveTargets(readStatements(input.parser, migration.sql));
  if (targets.length === 0) return;
  const started = Date.now();
  const outcome = await captureBefore(
    input.target.database,
    targets,
    { runId, migration: migration.name, direction: 'up' },
    input.archive,
    events.log,
  );
  for (const line of outcome.notKept)
    warnings.push(`${migration.name}: ${line}; it is not archived, and the backup taken before this deploy is its way back`);
  if (outcome.kept.length === 0) return;
  await events.record('archived', {
    migrations: [migration.name],
    durationMs: Date.now() - started,
    details: { archives: outcome.kept.map((entry) => ({ table: entry.archiveTable, kind: entry.kind, source: entry.source })) },
  });
}
