import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';

export interface DownsOutcome {
  undone: string[];
  /** The migration the downs stopped at, and why (no down, irreversible, or its error). */
  stopped?: { migration: string; reason: string };
}

/**
 * Run the down scripts of migrations, in the order given (newest first). Each down and the
 * marking of its `_prisma_migrations` row as rolled back go in one script, so they commit
 * together: `prisma migrate deploy` (or the next deploy) applies the migration again later.
 */
export async function runDowns(
  database: Database,
  migrations: readonly MigrationFolder[],
  onUndone: (name: string, ms: number) => Promise<void>,
): Promise<DownsOutcome> {
  const undone: string[] = [];
  for (const migration of migrations) {
    if (migration.down?.kind !== 'script') {
      return {
        undone,
        stopped: {
          migration: migration.name,
          reason: migration.down ? `its down.sql is irreversible: ${migration.down.reason}` : 'it has no down.sql',
        },
      };
    }
    const started = Date.now();
    try {
      await database.executeScript(`${migration.down.sql}\n;\n${markRolledBack(migration.name)}`);
    } catch (error) {
      return { undone, stopped: { migration: migration.name, reason: `its down.sql failed: ${(error as Error).message}` } };
    }
    undone.push(migration.name);
    await onUndone(migration.name, Date.now() - started);
  }
  return { undone };
}
