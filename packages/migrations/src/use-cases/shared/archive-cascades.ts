import { withCascades } from '../../core/archive/archive-cascades';
import type { ArchiveTarget } from '../../core/archive/archive-targets';
import { quotedName } from '../../core/sql/qualified-name';
import type { SqlRunner } from '../../adapters/db/database';
import { tableForeignKeys } from './table-references';

/**
 * The targets and the rows and values of other tables that emptying theirs takes along through
 * foreign keys (see withCascades); read from the catalog only when a target empties a table.
 */
export async function withCascadedTargets(database: SqlRunner, targets: readonly ArchiveTarget[]): Promise<ArchiveTarget[]> {
  if (!targets.some((target) => target.kind === 'rows' && target.cascade)) return [...targets];
  const qualified = await Promise.all(targets.map((target) => withSchema(database, target)));
  return withCascades(qualified, await tableForeignKeys(database));
}

/** The target with the schema its table resolves to now (as written when it does not exist). */
async function withSchema(database: SqlRunner, target: ArchiveTarget): Promise<ArchiveTarget> {
  const [row] = await database.query<{ schema: string }>(
    'SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)',
    [quotedName(target.table)],
  );
  return row ? { ...target, table: { schema: row.schema, name: target.table.name } } : target;
}
