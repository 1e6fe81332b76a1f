/** PostgreSQL's table lock modes, weakest first (https://www.postgresql.org/docs/current/explicit-locking.html). */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

/** What each mode blocks, for readers who do not know the table by heart. */
const BLOCKS: Record<string, string> = {
  AccessShareLock: 'blocks only ACCESS EXCLUSIVE',
  RowShareLock: 'blocks EXCLUSIVE and ACCESS EXCLUSIVE',
  RowExclusiveLock: 'blocks SHARE and stronger: index builds, ALTER TABLE',
  ShareUpdateExclusiveLock: 'blocks schema changes and VACUUM, not reads or writes',
  ShareLock: 'blocks writes, not reads',
  ShareRowExclusiveLock: 'blocks writes, not reads',
  ExclusiveLock: 'blocks writes and SELECT ... FOR UPDATE, not plain reads',
  AccessExclusiveLock: 'blocks reads and writes',
};

export function lockStrength(mode: string): number {
  return LOCK_MODES.indexOf(mode as (typeof LOCK_MODES)[number]);
}

/** A lock observed on a table that existed before the migration, while the migration ran. */
export interface ObservedLock {
  /** Schema-qualified, as PostgreSQL quotes it. */
  table: string;
  /** The strongest mode the migration held on it. */
  mode: string;
  /** How long that mode was seen held: from the first sample that saw it to the last. */
  heldMs: number;
  /** Time between two samples: locks held for less may be missed, durations are this precise. */
  resolutionMs: number;
}

/** What a second connection saw while a migration ran. */
export interface LockObservation {
  locks: ObservedLock[];
  /** Average time between two samples. */
  resolutionMs: number;
}

export function describeLock(lock: ObservedLock): string {
  const held = lock.heldMs < lock.resolutionMs ? `< ${Math.max(1, Math.ceil(lock.resolutionMs))} ms` : `~${Math.round(lock.heldMs)} ms`;
  return `${lock.mode} on ${lock.table} for ${held} (${BLOCKS[lock.mode] ?? 'see PostgreSQL docs'})`;
}
