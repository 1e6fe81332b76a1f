import { type Impact, impactOf, unknownImpact } from '../../core/safety/impact';
import { quoteIdentifier } from '../../core/sql/quote';
import type { Database } from '../../adapters/db/database';

const ESTIMATE = `
  SELECT c.reltuples::float8 AS rows, pg_total_relation_size(c.oid)::float8 AS bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false))
  ORDER BY array_position(current_schemas(false), n.nspname) LIMIT 1`;

/**
 * Live size of each table: the planner's row estimate and the size on disk. A table never
 * analyzed has no estimate (-1): it is counted, within two seconds, or left unknown.
 */
export async function measureImpact(database: Database, tables: Iterable<string>): Promise<Map<string, Impact>> {
  const impacts = new Map<string, Impact>();
  for (const table of new Set(tables)) {
    const [row] = await database.query<{ rows: number; bytes: number }>(ESTIMATE, [table]);
    if (!row) {
      impacts.set(table, unknownImpact('the table does not exist in the configured database yet'));
      continue;
    }
    let rows = Number(row.rows);
    if (rows < 0) rows = (await exactCount(database, table)) ?? -1;
    impacts.set(
      table,
      rows < 0 ? unknownImpact('never analyzed, and too large to count quickly: run ANALYZE') : impactOf(rows, Number(row.bytes)),
    );
  }
  return impacts;
}

async function exactCount(database: Database, table: string): Promise<number | undefined> {
  try {
    return await database.withSession(async (session) => {
      await session.query(`SET statement_timeout = '2s'`);
      try {
        const [row] = await session.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${quoteIdentifier(table)}`);
        return Number(row.n);
      } finally {
        await session.query('RESET statement_timeout');
      }
    });
  } catch {
    return undefined;
  }
}
