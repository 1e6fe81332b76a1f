import pg from 'pg';
import { loadSqlParser } from '../core/sql/parser';
import { PgDatabase } from '../adapters/db/pg-database';
import { applyPendingMigrations } from '../use-cases/shared/apply-migrations';
import { readDatabaseState } from '../use-cases/deploy/data-state';
import { readMigrationHistory } from '../adapters/store/migration-store';

/** The rows of one query on a server database, over a connection of its own. */
export async function serverRows<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The schema fingerprint and every table's row count and checksum, as a deploy proves them. */
export async function serverState(url: string) {
  const database = await PgDatabase.connect({ url, source: 'spec' });
  try {
    return await readDatabaseState(database);
  } finally {
    await database.close();
  }
}

/** The billing example as live before a deploy: every migration but `later` applied, with customers and invoices unless `withRows` is false. */
export async function seedBillingDatabase(url: string, migrationsDir: string, later: readonly string[], withRows = true): Promise<void> {
  const history = readMigrationHistory(migrationsDir);
  const database = await PgDatabase.connect({ url, source: 'spec' });
  try {
    await applyPendingMigrations(
      await loadSqlParser(),
      database,
      history.migrations.filter((migration) => !later.includes(migration.name)),
    );
    if (!withRows) return;
    await database.executeScript(`
      INSERT INTO "Customer" ("email", "name") SELECT 'c' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 50) g;
      INSERT INTO "Invoice" ("customerId", "amountCents", "status") SELECT 1 + g % 50, g * 100, 'SENT' FROM generate_series(1, 200) g;`);
  } finally {
    await database.close();
  }
}
