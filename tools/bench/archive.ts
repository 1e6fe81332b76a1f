/**
 * Lossless rollback on PostgreSQL with 1,000,000 rows (issue 14): what keeping a dropped column's
 * values (or a dropped table's rows) costs before the migration runs, beside `CREATE TABLE ... AS
 * SELECT` of the same key and column; and how long the down takes with the restore of every
 * value (row by row by key, then checked against the archive), beside the down alone.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { archiveTargets } from '../../packages/migrations/src/core/archive/archive-targets';
import { loadSqlParser, type SqlParser } from '../../packages/migrations/src/core/sql/parser';
import { markRolledBack } from '../../packages/migrations/src/core/sql/prisma-migrations-table';
import { quoteIdentifier } from '../../packages/migrations/src/core/sql/quote';
import { readStatements } from '../../packages/migrations/src/core/sql/statements';
import { PgDatabase } from '../../packages/migrations/src/adapters/db/pg-database';
import { runDowns } from '../../packages/migrations/src/use-cases/deploy/run-downs';
import { captureBefore } from '../../packages/migrations/src/use-cases/shared/archive-capture';
import type { Benchmark } from './benchmark';
import type { Row } from './report';
import { sideBySideAsync } from './timing';

const ROWS = 1_000_000;
const ROUNDS = 3;
const POLICY = { retentionSeconds: 3600, maxBytes: Number.POSITIVE_INFINITY };
const SEED = `
  CREATE TABLE "Account" ("id" BIGINT PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT, "score" INTEGER NOT NULL);
  INSERT INTO "Account" SELECT g, 'user' || g || '@example.com', md5(g::text), g % 1000 FROM generate_series(1, ${ROWS}) g;
  CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0);
  ANALYZE "Account";`;
const DROP_COLUMN = { up: 'ALTER TABLE "Account" DROP COLUMN "legacy";', down: 'ALTER TABLE "Account" ADD COLUMN "legacy" TEXT;' };
const TABLE = `CREATE TABLE "Account" ("id" BIGINT PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT, "score" INTEGER NOT NULL);`;
const DROP_TABLE = { up: 'DROP TABLE "Account";', down: TABLE };

export const archive: Benchmark = {
  name: 'archive',
  section: `Lossless rollback, PostgreSQL, ${ROWS.toLocaleString('en')} rows`,
  async run(context) {
    const parser = await loadSqlParser();
    return withDatabase(context.databaseUrl(), async (database) => {
      await database.executeScript(SEED);
      const capture = await sideBySideAsync(
        async () => {
          const ms = await timed(() => keep(parser, database, DROP_COLUMN.up));
          await database.executeScript('DROP SCHEMA forge_archive CASCADE');
          return ms;
        },
        [
          async () => {
            const ms = await timed(() => database.executeScript('CREATE TABLE "Peer" AS SELECT "id", "legacy" FROM "Account"'));
            await database.executeScript('DROP TABLE "Peer"');
            return ms;
          },
        ],
        ROUNDS,
      );
      const column = await roundTrip(parser, database, DROP_COLUMN);
      const table = await roundTrip(parser, database, DROP_TABLE);
      const rows: Row[] = [
        {
          name: 'archive of a dropped column (key and values), before the migration',
          ours: capture.ours,
          peer: capture.peers[0],
          peerName: 'CREATE TABLE … AS SELECT key, column',
          unit: 'ms',
          target: '≤ 1.5× the peer',
          met: capture.ours <= 1.5 * capture.peers[0],
        },
        rollbackRow('rollback of the dropped column: its down with every value put back by key, checked', column),
        rollbackRow('rollback of the dropped table: its down with every row put back, checked', table),
      ];
      return {
        rows,
        notes: [
          `Lossless rollback: a table of ${ROWS.toLocaleString('en')} rows; medians of ${ROUNDS} rounds, ours and the peer alternating. ` +
            'A rollback row is one run of the down with the restore (one transaction, then the check of the values against the archive), ' +
            'beside the same down alone (the column or table made again, empty); migrate-rollback adds its verified backup before it.',
        ],
      };
    });
  },
};

function rollbackRow(name: string, result: { ours: number; peer: number }): Row {
  return { name, ...result, peerName: 'the same down without the data', unit: 'ms', target: '≤ 5000 ms', met: result.ours <= 5000 };
}

/** Archive what `up` drops, as migrate-deploy does before running it. */
async function keep(parser: SqlParser, database: PgDatabase, up: string): Promise<void> {
  const run = { runId: randomUUID(), migration: 'bench', direction: 'up' as const };
  const outcome = await captureBefore(database, archiveTargets(readStatements(parser, up)), run, POLICY);
  if (outcome.kept.length !== 1) throw new Error(`the archive was not taken: ${outcome.notKept.join('; ')}`);
}

/** Archive, up, then the down with the restore (timed), beside the down alone on the same drop (timed). */
async function roundTrip(parser: SqlParser, database: PgDatabase, migration: { up: string; down: string }) {
  const folder = { name: 'bench', dir: '', sql: migration.up, checksum: '', down: { kind: 'script' as const, sql: migration.down } };
  await keep(parser, database, migration.up);
  await database.executeScript(
    `${migration.up}\n;INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name") VALUES ('${randomUUID()}', '', 'bench')`,
  );
  let restored: string[] = [];
  const ours = await timed(async () => {
    const outcome = await runDowns(parser, database, [folder], async (_name, _ms, lines) => void (restored = lines));
    if (outcome.stopped) throw new Error(`the down stopped: ${outcome.stopped.reason}`);
  });
  if (!restored.every((line) => line.includes('every one checked'))) throw new Error(`not every value came back: ${restored.join('; ')}`);
  // The peer: the same drop, and the same down with nothing to put back.
  await database.executeScript(`DROP SCHEMA forge_archive CASCADE; ${migration.up}`);
  const peer = await timed(() => database.executeScript(`${migration.down}\n;\n${markRolledBack('bench')}`));
  await database.executeScript(`DROP TABLE "Account" CASCADE; ${TABLE}`);
  await database.executeScript(SEED.slice(SEED.indexOf('INSERT INTO "Account"'), SEED.indexOf('CREATE TABLE "_prisma_migrations"')));
  return { ours, peer };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function withDatabase<T>(url: string, work: (database: PgDatabase) => Promise<T>): Promise<T> {
  const name = `bench_archive_${process.pid}`;
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    const databaseUrl = new URL(url);
    databaseUrl.pathname = `/${name}`;
    const database = await PgDatabase.connect({ url: databaseUrl.toString(), source: 'TEST_DATABASE_URL' });
    try {
      return await work(database);
    } finally {
      await database.close();
      await admin.query(`DROP DATABASE ${quoteIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
