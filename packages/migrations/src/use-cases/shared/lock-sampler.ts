import { isUserSchema } from '../../core/sql/bookkeeping';
import { type LockObservation, lockStrength, type ObservedLock } from '../../core/lock-modes';
import type { Database } from '../../adapters/db/database';

const TABLES = `
  SELECT c.oid::int8::text AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND ${isUserSchema('n.nspname')}
    AND c.relname <> '_prisma_migrations'`;

/** Granted table locks of other sessions of this database, on the given tables. */
const LOCKS = `
  SELECT l.relation::int8::text AS oid, l.mode
  FROM pg_locks l
  WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.relation::int8::text = ANY($1::text[])`;

/**
 * Run `work` (a migration being applied) while a second connection samples `pg_locks` as fast
 * as it can: for every table that existed before, the strongest lock mode seen and for how long.
 * PostgreSQL only: the embedded database has a single connection.
 */
export async function observeLocks<T>(database: Database, work: () => Promise<T>): Promise<{ result: T; observation: LockObservation }> {
  const tables = new Map((await database.query<{ oid: string; name: string }>(TABLES)).map((row) => [row.oid, row.name]));
  const seen = new Map<string, { table: string; mode: string; first: number; last: number }>();
  let done = false;
  let samples = 0;
  const started = performance.now();
  const sampler = database
    .withSession(async (session) => {
      const oids = [...tables.keys()];
      while (!done) {
        const rows = await session.query<{ oid: string; mode: string }>(LOCKS, [oids]);
        const now = performance.now();
        samples++;
        for (const row of rows) {
          const key = `${row.oid}\0${row.mode}`;
          const entry = seen.get(key);
          if (entry) entry.last = now;
          else seen.set(key, { table: tables.get(row.oid) ?? row.oid, mode: row.mode, first: now, last: now });
        }
      }
    })
    // Evidence is a bonus: a sampler that fails leaves the migration's own outcome alone.
    .catch(() => undefined);
  let result: T;
  try {
    result = await work();
  } finally {
    done = true;
    await sampler;
  }
  const resolutionMs = samples > 0 ? (performance.now() - started) / samples : Number.POSITIVE_INFINITY;
  return { result, observation: { locks: strongestPerTable([...seen.values()], resolutionMs), resolutionMs } };
}

function strongestPerTable(
  entries: Array<{ table: string; mode: string; first: number; last: number }>,
  resolutionMs: number,
): ObservedLock[] {
  const strongest = new Map<string, { table: string; mode: string; first: number; last: number }>();
  for (const entry of entries) {
    const current = strongest.get(entry.table);
    if (!current || lockStrength(entry.mode) > lockStrength(current.mode)) strongest.set(entry.table, entry);
  }
  return [...strongest.values()]
    .sort((a, b) => a.table.localeCompare(b.table))
    .map((entry) => ({ table: entry.table, mode: entry.mode, heldMs: entry.last - entry.first, resolutionMs }));
}
