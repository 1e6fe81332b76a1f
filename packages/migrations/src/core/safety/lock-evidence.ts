import { describeLock, type LockObservation } from '../lock-modes';
import type { Finding } from './analyze';

export interface EvidencedFinding extends Finding {
  /** For a locking finding on PostgreSQL: the lock the migration was seen to take on that table. */
  evidence?: string;
}

/**
 * Put the locks a migration was seen to take next to the locking findings on the same tables.
 * Without observations (the embedded database), findings stay as they are.
 */
export function withLockEvidence<F extends Finding>(
  findings: readonly F[],
  observation: LockObservation | undefined,
): Array<F & { evidence?: string }> {
  if (!observation) return [...findings];
  const resolution = Number.isFinite(observation.resolutionMs)
    ? `~${Math.max(1, Math.round(observation.resolutionMs))} ms`
    : 'the whole run';
  return findings.map((finding) => {
    if (finding.family !== 'locking' || !finding.table) return finding;
    const lock = observation.locks.find((candidate) => unqualified(candidate.table) === finding.table);
    const evidence = lock
      ? `observed: ${describeLock(lock)}`
      : `observed: no lock on ${finding.table} lasted one sample (${resolution}): brief, if taken at all`;
    return { ...finding, evidence };
  });
}

/** `public."Invoice"` -> `Invoice`. */
function unqualified(table: string): string {
  const last = table.match(/"(?:[^"]|"")*"|[^.]+/g)?.pop() ?? table;
  return last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last;
}
