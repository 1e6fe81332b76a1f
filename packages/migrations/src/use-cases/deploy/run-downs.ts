import { markRolledBack } from '../../core/sql/prisma-migrations-table';
import { type SqlParser, SqlSyntaxError } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { checkRestores, describeArchives, downWithRestores } from '../shared/archive-restore';
import { archivePolicy, captureBefore } from '../shared/archive-capture';
import { type ArchiveTarget, archiveTargets } from '../../core/archive/archive-targets';
import { readStatements } from '../../core/sql/statements';
import { randomUUID } from 'node:crypto';

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
    const down = await downWithRestores(parser, database, { name: migration.name, down: migration.down });
    if (down.purged) return { undone, stopped: { migration: migration.name, reason: down.purged } };
    const started = Date.now();
    // What the down drops (values written since the deploy) is kept for a later deploy of the migration to put back.
    try {
      await archiveDownDrops(parser, database, migration.name, migration.down.sql, log);
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
    const restored = await checkRestores(database, down.archives);
    await onUndone(
      migration.name,
      Date.now() - started,
      restored.map((table) => table.line),
    );
  }
  return { undone };
}

/** Archive what a down drops; a down that does not parse is left to fail with PostgreSQL's message. */
async function archiveDownDrops(
  parser: SqlParser,
  database: Database,
  migration: string,
  down: string,
  log: (line: string) => void,
): Promise<void> {
  let dropped: ArchiveTarget[];
  try {
    dropped = archiveTargets(readStatements(parser, down));
  } catch (error) {
    if (error instanceof SqlSyntaxError) return;
    throw error;
  }
  await captureBefore(database, dropped, { runId: randomUUID(), migration, direction: 'down' }, archivePolicy(), log);
}
