import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import type { SqlParser } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { checkRestores, describeArchives, downWithRestores } from '../shared/archive-restore';
import { archivePolicy } from '../shared/archive-capture';
import { archiveDownDrops } from '../shared/down-drops';

export interface DownsOutcome {
  undone: string[];
  /** The migration the downs stopped at, and why (no down, irreversible, its archive purged, or its error). */
  stopped?: { migration: string; reason: string };
}

/**
 * Run the down scripts of migrations, in the order given (newest first). What a down drops is
 * archived first (direction `down`: a later deploy of the migration puts it back). Each down, the restore
 * of what the migration's archives kept, and the marking of its `_prisma_migrations` row as
 * rolled back go in one script, so they commit together: `prisma migrate deploy` (or the next
 * deploy) applies the migration again later.
 */
export async function runDowns(
  parser: SqlParser,
  database: Database,
  migrations: readonly MigrationFolder[],
  onUndone: (name: string, ms: number, restored: string[]) => Promise<void>,
  log: (line: string) => void = () => undefined,
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
    const down = await downWithRestores(parser, database, { name: migration.name, sql: migration.sql, down: migration.down });
    if (down.stop) return { undone, stopped: { migration: migration.name, reason: down.stop } };
    const started = Date.now();
    // What the down drops (values written since the deploy) is kept for a later deploy of the migration to put back.
    try {
      await archiveDownDrops(parser, database, migration.name, migration.down.sql, archivePolicy(), log);
    } catch (error) {
      return {
        undone,
        stopped: { migration: migration.name, reason: `archiving what its down.sql drops failed: ${(error as Error).message}` },
      };
    }
    log(`${migration.name}: running its down${down.archives.length ? `, putting back ${describeArchives(down.archives)}` : ''}`);
    try {
      await database.executeScript(`${down.script}\n;\n${markRolledBack(migration.name)}`);
    } catch (error) {
      return { undone, stopped: { migration: migration.name, reason: `its down.sql failed: ${(error as Error).message}` } };
    }
    undone.push(migration.name);
    const restored = await checkRestores(database, down.archives, { compare: false });
    await onUndone(
      migration.name,
      Date.now() - started,
      restored.map((table) => table.line),
    );
  }
  return { undone };
}
