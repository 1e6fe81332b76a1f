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
import { quoteIdentifier } from '../../packages/migrations/src/core/sql/quote';
import { readStatements } from '../../packages/migrations/src/core/sql/statements';
import { PgDatabase } from '../../packages/migrations/src/adapters/db/pg-database';
import { runDowns } from '../../packages/migrations/src/use-cases/deploy/run-downs';
import { captureBefore } from '../../packages/migrations/src/use-cases/shared/archive-capture';
import type { Benchmark } from './benchmark';
import type { Row } from './report';
import { median, sideBySideAsync } from './timing';

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
const DROP_COLUMN = {
  up: 'ALTER TABLE "Account" DROP COLUMN "legacy";',
  down: 'ALTER TABLE "Account" ADD COLUMN "legacy" TEXT;',
  put: 'UPDATE "Account" AS t SET "legacy" = c."legacy" FROM "Copy" AS c WHERE t."id" = c."id"',
};
const TABLE = `CREATE TABLE "Account" ("id" BIGINT PRIMARY KEY, "email" TEXT NOT NULL, "legacy" TEXT, "score" INTEGER NOT NULL);`;
const DROP_TABLE = { up: 'DROP TABLE "Account";', down: TABLE, put: 'INSERT INTO "Account" SELECT * FROM "Copy"' };

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
        rollbackRow(
          'rollback of the dropped column: its down with every value put back by key, counted',
          column,
          'the same down, then UPDATE … FROM a copy',
        ),
        rollbackRow(
          'rollback of the dropped table: its down with every row put back, counted',
          table,
          'the same down, then INSERT … SELECT a copy',
        ),
      ];
      return {
        rows,
        notes: [
          `Lossless rollback: a table of ${ROWS.toLocaleString('en')} rows; medians of ${ROUNDS} rounds, ours and the peer alternating. ` +
            "A rollback row is the down with the restore (one transaction: a column's values set by key, a table's rows inserted, " +
            'both counted, then the count checked against the archive), beside the same down and one plain statement ' +
            'putting the same data back from a copy; after each, a digest of every row is compared with the table before. ' +
            'migrate-rollback adds its verified backup before it.',
        ],
      };
    });
  },
};

function rollbackRow(name: string, result: { ours: number; peer: number }, peerName: string): Row {
  return { name, ...result, peerName, unit: 'ms', target: '≤ 5000 ms', met: result.ours <= 5000 };
}

/** Archive what `up` drops, as migrate-deploy does before running it. */
async function keep(parser: SqlParser, database: PgDatabase, up: string): Promise<void> {
  const run = { runId: randomUUID(), migration: 'bench', direction: 'up' as const };
  const outcome = await captureBefore(database, archiveTargets(readStatements(parser, up)), run, POLICY);
  if (outcome.kept.length !== 1) throw new Error(`the archive was not taken: ${outcome.notKept.join('; ')}`);
}

/**
 * Per round: archive, up, then the down with the restore and its check (timed), every value then
 * compared with the table before (a checksum of every row); beside the same down followed by one
 * plain statement putting the same data back from a copy (`put`), with nothing counted or checked.
 */
async function roundTrip(parser: SqlParser, database: PgDatabase, migration: { up: string; down: string; put: string }) {
  const folder = { name: 'bench', dir: '', sql: migration.up, checksum: '', down: { kind: 'script' as const, sql: migration.down } };
  const ours: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = await checksum(database);
    await keep(parser, database, migration.up);
    await database.executeScript(
      `${migration.up}\n;INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name") VALUES ('${randomUUID()}', '', 'bench')`,
    );
    ours.push(
      await timed(async () => {
        const outcome = await runDowns(parser, database, [folder], async () => undefined);
        if (outcome.stopped) throw new Error(`the down stopped: ${outcome.stopped.reason}`);
      }),
    );
    if ((await checksum(database)) !== before) throw new Error('the rollback did not bring every value back');
    await reseed(database);
    await database.executeScript(`CREATE TABLE "Copy" AS SELECT * FROM "Account"; ${migration.up}`);
    peer.push(await timed(() => database.executeScript(`BEGIN; ${migration.down}; ${migration.put}; COMMIT`)));
    if ((await checksum(database)) !== before) throw new Error('the plain restore did not bring every value back');
    await database.executeScript('DROP TABLE "Copy"; DROP SCHEMA forge_archive CASCADE');
    await reseed(database);
  }
  return { ours: median(ours), peer: median(peer) };
}

/** Every row of "Account", in key order, as one digest. */
async function checksum(database: PgDatabase): Promise<string> {
  const [{ digest }] = await database.query<{ digest: string }>(
    `SELECT md5(string_agg(ROW("id", "email", "legacy", "score")::text, ',' ORDER BY "id")) AS digest FROM "Account"`,
  );
  return digest;
}

/** The table as seeded again: every round starts from the same rows, without the last round's dead ones. */
async function reseed(database: PgDatabase): Promise<void> {
  await database.executeScript(`DROP TABLE "Account" CASCADE; ${TABLE}`);
  await database.executeScript(SEED.slice(SEED.indexOf('INSERT INTO "Account"'), SEED.indexOf('CREATE TABLE "_prisma_migrations"')));
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
