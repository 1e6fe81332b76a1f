import { ForgeError } from '../../core/errors';
import { MARK_ROLLED_BACK, type MigrationRow } from '../../core/sql/prisma-migrations-table';
import { planScriptBatches } from '../../core/sql/transactions';
import type { Database } from '../../db/database';
import type { MigrationHistory } from '../../store/migration-store';

export interface Recovery {
  migration: string;
  how: string;
}

/**
 * Failed or interrupted migrations of an earlier run, made harmless before anything else: one
 * that ran in a transaction left nothing behind (PostgreSQL rolled it back), so its row is marked
 * rolled back; one that ran outside a transaction may have left part of its work, which its down
 * script undoes first. Without a down script that works, the deploy stops with the commands
 * that resolve it.
 */
export async function recoverFailedMigrations(database: Database, history: MigrationHistory, failed: MigrationRow[], project: string): Promise<Recovery[]> {
  const recoveries: Recovery[] = [];
  for (const row of failed) {
    const migration = history.migrations.find((candidate) => candidate.name === row.migration_name);
    const resolve = (why: string) =>
      new ForgeError(
        'FAILED_MIGRATIONS_FOUND',
        `${row.migration_name} failed or was interrupted in an earlier run (started ${row.started_at}) and ${why}: nothing was applied.`,
        `Undo what it left by hand and run \`npx prisma migrate resolve --rolled-back ${row.migration_name}\`, or restore the backup taken before it: nx run ${project}:migrate-rollback --fromBackup <file> (the deploy history names it).`,
      );
    if (!migration) throw resolve('its folder is no longer in the migrations directory');
    if (planScriptBatches(migration.sql).every((batch) => batch.transactional)) {
      await database.query(MARK_ROLLED_BACK, [row.migration_name]);
      recoveries.push({ migration: row.migration_name, how: 'it ran in one transaction, which PostgreSQL rolled back: marked rolled back' });
      continue;
    }
    if (migration.down?.kind !== 'script') throw resolve(`ran outside a transaction, so part of it may be applied, and it has ${migration.down ? 'an irreversible' : 'no'} down.sql`);
    try {
      await database.executeScript(migration.down.sql);
    } catch (error) {
      throw resolve(`its down.sql failed on what it left (${(error as Error).message})`);
    }
    await database.query(MARK_ROLLED_BACK, [row.migration_name]);
    recoveries.push({ migration: row.migration_name, how: 'it ran outside a transaction: its down.sql undid what it left, then it was marked rolled back' });
  }
  return recoveries;
}
