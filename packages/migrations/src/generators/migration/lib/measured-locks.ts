import { logger } from '@nx/devkit';
import { describeLock } from '../../../core/lock-modes';
import type { AssessedFinding } from '../../../core/safety/impact';
import { withLockEvidence } from '../../../core/safety/lock-evidence';
import { measureLocks } from '../../../runner/measure-locks';
import type { MigrationHistory } from '../../../store/migration-store';

/** A PostgreSQL server to measure a new migration's locks on, or why they are not measured. */
export type LockServer = { server: { url: string; source: string } } | { unmeasured: string };

export function lockServerOf(url: string | undefined, variable: string): LockServer {
  if (url) return { server: { url, source: variable } };
  return { unmeasured: `Locks were not measured: set ${variable} to a PostgreSQL server to see the locks this migration takes.` };
}

/** The locks the new migration takes, next to its findings: measured on a throwaway database of the test server when there is one. */
export async function withMeasuredLocks(
  locks: LockServer,
  history: MigrationHistory,
  migration: { name: string; sql: string },
  findings: AssessedFinding[],
): Promise<{ findings: Array<AssessedFinding & { evidence?: string }>; lockEvidence: string }> {
  if ('unmeasured' in locks) return { findings, lockEvidence: locks.unmeasured };
  const measured = await measureLocks(locks.server, history, migration);
  if ('failure' in measured) {
    logger.warn(`${migration.name}: on PostgreSQL, over a representative row in every table, the migration fails: ${measured.failure}`);
    return { findings, lockEvidence: `On PostgreSQL, over a representative row in every table, this migration fails: ${measured.failure}` };
  }
  const strongest = measured.locks.map(describeLock);
  return {
    findings: withLockEvidence(findings, measured),
    lockEvidence: `Locks observed on PostgreSQL (a throwaway database holding the history and a representative row in every table): ${
      strongest.length ? strongest.join('; ') : 'none on existing tables'
    }.`,
  };
}
