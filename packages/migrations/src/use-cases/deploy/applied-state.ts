import { LIST, type MigrationRow, TABLE_EXISTS } from '../../core/sql/prisma-migrations-table';
import type { SqlRunner } from '../../adapters/db/database';

/** A database's `_prisma_migrations`, read as Prisma reads it. */
export interface AppliedState {
  rows: MigrationRow[];
  /** Finished and not rolled back: the migrations in effect, by name, with their checksum. */
  applied: Map<string, MigrationRow>;
  /** Started and neither finished nor rolled back: failed, or interrupted. */
  failed: MigrationRow[];
}

export async function readAppliedState(database: SqlRunner): Promise<AppliedState> {
  const [{ exists }] = await database.query<{ exists: boolean }>(TABLE_EXISTS);
  const rows = exists ? await database.query<MigrationRow>(LIST) : [];
  const live = rows.filter((row) => row.rolled_back_at === null);
  return {
    rows,
    applied: new Map(live.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row])),
    failed: live.filter((row) => row.finished_at === null),
  };
}
