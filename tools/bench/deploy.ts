/**
 * Benchmarks of deploy and rollback on a PostgreSQL table of 1,000,000 rows, each measured side by
 * side with what an operator would type by hand, in the same run:
 *  - the verified backup (`dumpDatabase`, compression level 1) vs `pg_dump -Fc` followed by `pg_restore --list`,
 *    at pg_dump's default compression and at level 1;
 *  - the restore from that backup (`restoreDump`) vs `pg_restore --clean --if-exists --single-transaction`;
 *  - `migrate-rollback --steps 1 --yes` (backup, then the down) vs the same backup by hand and `psql -f down.sql`.
 * Each measurement works in a fresh database on the server in TEST_DATABASE_URL, dropped at the end.
 * Part of `npm run bench` (alone: `npm run bench:deploy`; both start a throwaway PostgreSQL); writes
 * docs/deploy-benchmark.md.
 */
import { logger } from '@nx/devkit';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadSqlParser } from '../../packages/migrations/src/core/sql/parser';
import { quoteIdentifier } from '../../packages/migrations/src/core/sql/quote';
import { PgDatabase } from '../../packages/migrations/src/adapters/db/pg-database';
import migrateRollbackExecutor from '../../packages/migrations/src/executors/rollback/executor';
import { applyPendingMigrations } from '../../packages/migrations/src/use-cases/shared/apply-migrations';
import { type BackupRecord, dumpDatabase, type PgServer, restoreDump } from '../../packages/migrations/src/adapters/db/backup';
import { findPgTool, libpqEnvironment } from '../../packages/migrations/src/adapters/db/pg-tools';
import { markRolledBack } from '../../packages/migrations/src/core/sql/prisma-migrations-table';
import { readMigrationHistory } from '../../packages/migrations/src/adapters/store/migration-store';
import { executorContext } from '../../packages/migrations/src/test-support/executor-context';
import { serverRows } from '../../packages/migrations/src/test-support/server-queries';
import type { Benchmark } from './benchmark';
import { resultTable, type Row } from './report';
import { machine, sideBySideAsync } from './timing';

/** Fewer rounds than the other benchmarks: every round moves a 1M-row table. */
const ROUNDS = 3;
const ROWS = 1_000_000;
const PROJECT = 'bench';
const PROJECT_ROOT = 'apps/bench';
const URL_ENV = 'BENCH_DATABASE_URL';

const CREATE_EVENT = '20240101000000_create_event';
const ADD_REGION = '20240201000000_event_region';
const MIGRATIONS: Record<string, { sql: string; down?: string }> = {
  [CREATE_EVENT]: {
    sql: `-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);
`,
  },
  [ADD_REGION]: {
    sql: `-- AlterTable
ALTER TABLE "Event" ADD COLUMN "region" TEXT;

-- CreateIndex
CREATE INDEX "Event_region_idx" ON "Event"("region");
`,
    down: `DROP INDEX "Event_region_idx";
ALTER TABLE "Event" DROP COLUMN "region";
`,
  },
};
const SCHEMA = `datasource db {
  provider = "postgresql"
}

generator client {
  provider = "prisma-client-js"
}

model Event {
  id        BigInt   @id @default(autoincrement())
  accountId Int
  kind      String
  payload   String
  createdAt DateTime @default(now()) @db.Timestamptz(6)
  region    String?

  @@index([region])
}
`;
const FILL =
  `INSERT INTO "Event" ("accountId", "kind", "payload", "createdAt")
SELECT 1 + g % 5000, (ARRAY['signup', 'login', 'purchase', 'refund'])[1 + g % 4], md5(g::text) ` +
  `|| md5((g * 7)::text), timestamptz '2024-01-01' + g * interval '1 second'
FROM generate_series(1, ${ROWS}) g;`;

/** Sizes measured in the run: the table with its indexes, and the same database's dump by each backup. */
interface Sizes {
  table?: number;
  /** `dumpDatabase` (compression level 1). */
  ours?: number;
  /** `pg_dump -Fc` at its default compression. */
  peerDefault?: number;
  /** `pg_dump -Fc --compress=1`. */
  peerLevel1?: number;
}

export const deploy: Benchmark = {
  name: 'deploy',
  section: `Deploy and rollback on a ${ROWS.toLocaleString('en')}-row table`,
  async run(context) {
    const { rows, sizes } = await benchDeploy(context.databaseUrl());
    return {
      rows,
      notes: [
        `The median of ${ROUNDS} alternating rounds (after one warm-up of ours), each in a fresh ` +
          `database of the throwaway PostgreSQL server; what each row measures, and the dump sizes: ` +
          `docs/deploy-benchmark.md.`,
      ],
      documents: [{ file: 'docs/deploy-benchmark.md', markdown: renderReport(rows, sizes) }],
    };
  },
};

async function benchDeploy(url: string): Promise<{ rows: Row[]; sizes: Sizes }> {
  const major = await serverMajor(url);
  const [pgDump, pgRestore, psql] = await Promise.all((['pg_dump', 'pg_restore', 'psql'] as const).map((tool) => findPgTool(tool, major)));
  const tools = { pgDump, pgRestore, psql };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-deploy-'));
  const rows: Row[] = [];
  const sizes: Sizes = {};
  try {
    const workspace = writeWorkspace(path.join(scratch, 'workspace'));

    rows.push(
      ...(await withBenchDatabase(url, 1, workspace, async (server): Promise<Row[]> => {
        sizes.table = await tableBytes(server.url);
        const backup = await benchBackup(server, tools, path.join(scratch, 'backup'), sizes);
        return [
          {
            name: `backup of a ${ROWS.toLocaleString('en')}-row database`,
            ours: backup.ours,
            peer: backup.peerDefault,
            peerName: 'pg_dump -Fc, then pg_restore --list',
            unit: 'ms',
            target: '≤ 1.1× peer',
            met: backup.ours <= 1.1 * backup.peerDefault,
          },
          {
            name: 'backup, same compression as ours',
            ours: backup.ours,
            peer: backup.peerLevel1,
            peerName: 'pg_dump -Fc --compress=1, then pg_restore --list',
            unit: 'ms',
            target: '≤ 1.1× peer',
            met: backup.ours <= 1.1 * backup.peerLevel1,
          },
        ];
      })),
    );

    rows.push(
      await withBenchDatabase(url, 2, workspace, async (server) => {
        const restore = await benchRestore(server, tools, path.join(scratch, 'restore'));
        return {
          name: 'restore from backup',
          ...restore,
          peerName: 'pg_restore --clean --if-exists --single-transaction',
          unit: 'ms',
          target: '≤ 1.2× peer',
          met: restore.ours <= 1.2 * restore.peer,
        };
      }),
    );

    rows.push(
      await withBenchDatabase(url, 3, workspace, async (server) => {
        const rollback = await benchRollback(server, tools, workspace, path.join(scratch, 'rollback'));
        return {
          name: `roll back the latest migration (${ROWS.toLocaleString('en')}-row table)`,
          ...rollback,
          peerName: 'pg_dump -Fc, pg_restore --list, psql -f down.sql',
          unit: 'ms',
          target: 'ours ≤ 5000 ms',
          met: rollback.ours <= 5000,
        };
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  return { rows, sizes };
}

/** Ours against one peer, over this benchmark's rounds. */
async function sideBySide(ours: () => Promise<number>, peer: () => Promise<number>): Promise<{ ours: number; peer: number }> {
  const { ours: oursMedian, peers } = await sideBySideAsync(ours, [peer], ROUNDS);
  return { ours: oursMedian, peer: peers[0]! };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

interface Tools {
  pgDump: string;
  pgRestore: string;
  psql: string;
}

/**
 * Rows 1 and 2: `dumpDatabase` (pg_dump -Fc at compression level 1, pg_restore --list, SHA-256) vs
 * the first two by hand, at pg_dump's default compression and at level 1, in the same rounds (a
 * backup changes nothing, so both rows share one database). Each dump's size goes into `sizes`.
 */
async function benchBackup(
  server: PgServer,
  tools: Tools,
  dir: string,
  sizes: Sizes,
): Promise<{ ours: number; peerDefault: number; peerLevel1: number }> {
  mkdirSync(dir, { recursive: true });
  let round = 0;
  const peer = (compress: string[], size: 'peerDefault' | 'peerLevel1') => async () => {
    const file = path.join(dir, `peer-${round++}.dump`);
    const elapsed = await timed(() => peerBackup(server, tools, file, compress));
    sizes[size] = statSync(file).size;
    rmSync(file, { force: true });
    return elapsed;
  };
  const { ours, peers } = await sideBySideAsync(
    async () => {
      const file = path.join(dir, `ours-${round++}.dump`);
      let record: BackupRecord | undefined;
      const elapsed = await timed(async () => (record = await dumpDatabase(server, file)));
      sizes.ours = record!.bytes;
      rmSync(file, { force: true });
      return elapsed;
    },
    [peer([], 'peerDefault'), peer(['--compress=1'], 'peerLevel1')],
    ROUNDS,
  );
  return { ours, peerDefault: peers[0]!, peerLevel1: peers[1]! };
}

/** What an operator types for a backup they can trust: the dump (pg_dump's default compression unless told), then reading its table of contents back. */
async function peerBackup(server: PgServer, tools: Tools, file: string, compress: string[] = []): Promise<void> {
  await run(tools.pgDump, ['-Fc', ...compress, '-f', file], server.url);
  await run(tools.pgRestore, ['--list', file], server.url);
}

/** Row 3: `restoreDump` vs `pg_restore --clean --if-exists --single-transaction` of the same dump, each checked after. */
async function benchRestore(server: PgServer, tools: Tools, dir: string): Promise<{ ours: number; peer: number }> {
  const record = await dumpDatabase(server, path.join(dir, 'backup.dump'));
  const database = libpqEnvironment(server.url)['PGDATABASE']!;
  return sideBySide(
    async () => {
      const elapsed = await timed(() => restoreDump(server, record));
      await expectRows(server.url, 'restoreDump');
      return elapsed;
    },
    async () => {
      const elapsed = await timed(() =>
        run(tools.pgRestore, ['--clean', '--if-exists', '--single-transaction', '-d', database, record.file], server.url),
      );
      await expectRows(server.url, 'pg_restore');
      return elapsed;
    },
  );
}

/**
 * Row 4: the `migrate-rollback` executor (`--steps 1 --yes`: a verified backup, then the down) vs
 * the same backup by hand and `psql -f down.sql`. Migration 2 is applied again after every round,
 * untimed, so that each round rolls back the same thing.
 */
async function benchRollback(server: PgServer, tools: Tools, workspace: string, dir: string): Promise<{ ours: number; peer: number }> {
  mkdirSync(dir, { recursive: true });
  const context = { ...executorContext(workspace, PROJECT, PROJECT_ROOT), targetName: 'migrate-rollback' };
  const downFile = path.join(migrationsDir(workspace), ADD_REGION, 'down.sql');
  const saved = process.env[URL_ENV];
  process.env[URL_ENV] = server.url;
  let round = 0;
  try {
    return await sideBySide(
      async () => {
        const output: string[] = [];
        let result: { success: boolean } | undefined;
        const elapsed = await quietly(output, () =>
          timed(async () => (result = await migrateRollbackExecutor({ steps: 1, yes: true, urlEnv: URL_ENV }, context))),
        );
        if (!result?.success) throw new Error(`migrate-rollback failed:\n${output.join('\n')}`);
        await expectRolledBack(server.url, 'migrate-rollback');
        await reapply(server.url, workspace);
        rmSync(path.join(workspace, '.forge'), { recursive: true, force: true });
        return elapsed;
      },
      async () => {
        const file = path.join(dir, `peer-${round++}.dump`);
        const elapsed = await timed(async () => {
          await peerBackup(server, tools, file);
          await run(tools.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', downFile], server.url);
        });
        // What `prisma migrate resolve --rolled-back` would record; untimed, as the peer stops at the down.
        await serverRows(server.url, markRolledBack(ADD_REGION));
        await expectRolledBack(server.url, 'psql -f down.sql');
        await reapply(server.url, workspace);
        rmSync(file, { force: true });
        return elapsed;
      },
    );
  } finally {
    if (saved === undefined) delete process.env[URL_ENV];
    else process.env[URL_ENV] = saved;
  }
}

/** Run with Nx's logger collected instead of printed. */
async function quietly<T>(lines: string[], work: () => Promise<T>): Promise<T> {
  const saved = { info: logger.info, warn: logger.warn, error: logger.error, log: logger.log };
  for (const level of ['info', 'warn', 'error', 'log'] as const)
    logger[level] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    return await work();
  } finally {
    Object.assign(logger, saved);
  }
}

/** A project whose migrations folder holds the two migrations (and the schema they make). */
function writeWorkspace(root: string): string {
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  write('package.json', JSON.stringify({ name: 'bench-workspace', private: true }));
  write('nx.json', '{}');
  write(`${PROJECT_ROOT}/prisma/schema.prisma`, SCHEMA);
  write(`${PROJECT_ROOT}/prisma/migrations/migration_lock.toml`, 'provider = "postgresql"\n');
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    write(`${PROJECT_ROOT}/prisma/migrations/${name}/migration.sql`, migration.sql);
    if (migration.down) write(`${PROJECT_ROOT}/prisma/migrations/${name}/down.sql`, migration.down);
  }
  return root;
}

function migrationsDir(workspace: string): string {
  return path.join(workspace, PROJECT_ROOT, 'prisma', 'migrations');
}

/**
 * A fresh database holding the Prisma history: migration 1, then the 1M rows, then migration 2.
 * Dropped (with FORCE) when the work ends, failed or not.
 */
async function withBenchDatabase<T>(url: string, n: number, workspace: string, work: (server: PgServer) => Promise<T>): Promise<T> {
  const name = `bench_deploy_${process.pid}_${n}`;
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    try {
      const databaseUrl = new URL(url);
      databaseUrl.pathname = `/${name}`;
      const server: PgServer = { url: databaseUrl.toString(), source: URL_ENV, major: await serverMajor(url) };
      const started = performance.now();
      const history = readMigrationHistory(migrationsDir(workspace));
      const database = await PgDatabase.connect({ url: server.url, source: URL_ENV });
      try {
        const parser = await loadSqlParser();
        await applyPendingMigrations(
          parser,
          database,
          history.migrations.filter((migration) => migration.name === CREATE_EVENT),
        );
        await database.query(FILL);
        await database.query('VACUUM ANALYZE "Event"');
        const applied = await applyPendingMigrations(parser, database, history.migrations);
        if (applied.join() !== ADD_REGION) throw new Error(`seeding applied ${applied.join(', ') || 'nothing'}, expected ${ADD_REGION}`);
      } finally {
        await database.close();
      }
      console.error(`[bench] ${name}: ${ROWS} rows and the history in ${Math.round(performance.now() - started)} ms`);
      return await work(server);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** Apply migration 2 again (after a rollback marked it rolled back). */
async function reapply(url: string, workspace: string): Promise<void> {
  const database = await PgDatabase.connect({ url, source: URL_ENV });
  try {
    const parser = await loadSqlParser();
    const applied = await applyPendingMigrations(parser, database, readMigrationHistory(migrationsDir(workspace)).migrations);
    if (applied.join() !== ADD_REGION)
      throw new Error(
        `re-applying applied ${applied.join(', ') || 'nothing'}, expected ${ADD_REGION}: the rollback did not mark it rolled back`,
      );
  } finally {
    await database.close();
  }
}

async function expectRows(url: string, after: string): Promise<void> {
  const [{ n }] = await serverRows<{ n: number }>(url, 'SELECT count(*)::int AS n FROM "Event"');
  if (n !== ROWS) throw new Error(`after ${after}, "Event" holds ${n} rows, not ${ROWS}`);
}

async function expectRolledBack(url: string, after: string): Promise<void> {
  await expectRows(url, after);
  const [{ columns, indexes }] = await serverRows<{ columns: number; indexes: number }>(
    url,
    `SELECT (SELECT count(*)::int FROM information_schema.columns WHERE table_name = 'Event' AND column_name = 'region') AS columns,
            (SELECT count(*)::int FROM pg_indexes WHERE indexname = 'Event_region_idx') AS indexes`,
  );
  if (columns !== 0 || indexes !== 0) throw new Error(`after ${after}, "Event"."region" or its index is still there`);
}

async function serverMajor(url: string): Promise<number> {
  const [{ server_version_num }] = await serverRows<{ server_version_num: string }>(url, 'SHOW server_version_num');
  return Math.floor(Number(server_version_num) / 10000);
}

async function tableBytes(url: string): Promise<number> {
  const [{ bytes }] = await serverRows<{ bytes: string }>(url, `SELECT pg_total_relation_size('"Event"') AS bytes`);
  return Number(bytes);
}

/** A PostgreSQL client program, connected as the plugin connects (libpq environment), failing on a non-zero exit. */
function run(command: string, args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: libpqEnvironment(url), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

function megabytes(bytes: number | undefined, digits = 0): string {
  return bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(digits)} MiB`;
}

/** `a` against `b` in words: "23 % less" or "4 % more". */
function against(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return '?';
  const percent = Math.round((100 * (a - b)) / b);
  return `${Math.abs(percent)} % ${percent <= 0 ? 'less' : 'more'}`;
}

/** Why ours dumps at compression level 1, and what that bought in this run (rows 1 and 2, and the sizes). */
function compressionParagraph(rows: readonly Row[], sizes: Sizes): string[] {
  const [atDefault, atLevel1] = rows;
  return [
    "**Compression.** Ours dumps at compression level 1 (`pg_dump --format=custom --compress=1`); a plain `pg_dump -Fc` compresses at zlib's default level.",
    'A backup stands between the operator and the change, so ours spends bytes to save time:',
    `in this run, ours took ${Math.round(atDefault.ours)} ms against ${Math.round(atDefault.peer)} ` +
      `ms for \`pg_dump -Fc\` at the default level (${against(atDefault.ours, atDefault.peer)} time),`,
    `for a dump of ${megabytes(sizes.ours, 1)} against ${megabytes(sizes.peerDefault, 1)} ` +
      `(${against(sizes.ours, sizes.peerDefault)} bytes); \`pg_dump -Fc --compress=1\` ` +
      `wrote ${megabytes(sizes.peerLevel1, 1)}.`,
    'Row 1 is the comparison the target names (ours against what an operator types, compression included);',
    `row 2 compares the same work at the same compression, so ` +
      `its ${(atLevel1.ours / atLevel1.peer).toFixed(2)}× is the cost of what ours does beyond those ` +
      `two commands: a temporary name and its rename, and reading the file back whole for its SHA-256.`,
  ];
}

function renderReport(rows: Row[], sizes: Sizes): string {
  const lines = [
    '# Deploy and rollback benchmark',
    '',
    'Measured by `npm run bench` with every other benchmark (alone: `npm run bench:deploy`; ' +
      'tools/bench/deploy.ts): each figure side by side with its peer, in the same run, on the same machine;',
    `the median of ${ROUNDS} alternating rounds after one warm-up of ours (fewer rounds than ` +
      `docs/benchmarks.md: every round moves a table of ${ROWS.toLocaleString('en')} rows).`,
    'Rerun it to reproduce; figures vary with the machine and its disk, ratios much less.',
    '',
    `Machine: ${machine()}. Server: the throwaway PostgreSQL 15 that tools/postgres.mjs starts on 127.0.0.1 (fsync off).`,
    '',
    `Data: table "Event" (id bigserial primary key, accountId, kind, payload, createdAt, and ` +
      `region with its index), ${ROWS.toLocaleString('en')} rows, ${megabytes(sizes.table)} with its indexes;`,
    `its dump is ${megabytes(sizes.ours, 1)} by ours (compression level ` +
      `1), ${megabytes(sizes.peerDefault, 1)} by \`pg_dump -Fc\` (default ` +
      `compression), ${megabytes(sizes.peerLevel1, 1)} by \`pg_dump -Fc --compress=1\`.`,
    '',
    ...resultTable(rows),
    '',
    ...compressionParagraph(rows, sizes),
    '',
    '## What each row measures',
    '',
    'Each measurement works in a fresh database on the same server (`bench_deploy_<pid>_<n>`, ' +
      'dropped with FORCE at the end, also on failure), holding a Prisma history:',
    'migration 1 creates "Event", the rows are inserted with `generate_series`, then migration 2 ' +
      'adds the nullable column "region" and an index on it (its down.sql drops both).',
    'The two backup rows share one database and the same rounds (each round: both peers, then ' +
      'ours), as a backup changes nothing; so their "ours" is one figure.',
    'The client programs are the ones `findPgTool` picks, connected through the same libpq environment for ours and the peer.',
    '',
    '- **backup**: ours is `dumpDatabase` (adapters/db/backup.ts): `pg_dump --format=custom ' +
      '--compress=1` to a temporary name, `pg_restore --list` to read it back whole, a rename, then ' +
      'the SHA-256 and size of the file.',
    '  The peer of row 1 is `pg_dump -Fc -f <file>` (its default compression) followed by ' +
      '`pg_restore --list <file>`; the peer of row 2 is the same with `--compress=1`.',
    `- **restore**: ours is \`restoreDump\` of one backup taken by \`dumpDatabase\`: checksum ` +
      `check, then \`pg_restore --file=-\` streaming the dump's SQL into one \`psql\` transaction ` +
      `that first empties the user schemas (no temporary file).`,
    `  The peer is \`pg_restore --clean --if-exists --single-transaction -d <database>\` of the ` +
      `same file. After every restore, ours or the peer's, "Event" must ` +
      `hold ${ROWS.toLocaleString('en')} rows again.`,
    '- **roll back the latest migration**: ours is the whole `migrate-rollback` executor with `{ ' +
      "steps: 1, yes: true }`: it takes a verified backup while computing every table's row count and " +
      'checksum side by side with it,',
    '  then runs the down of migration 2 and marks it rolled back.',
    '  The peer is what a careful operator does by hand: the backup of row 1 (`pg_dump -Fc`, ' +
      '`pg_restore --list`), then `psql --single-transaction -f down.sql`;',
    '  marking the migration rolled back in `_prisma_migrations` (what `prisma migrate resolve ' +
      "--rolled-back` does) is left out of the peer's time. After every round the column and index " +
      'must be gone and the rows all there;',
    '  migration 2 is then applied again, untimed, so that each round rolls back the same thing. ' +
      'The target is absolute (at most 5 s for ours); the ratio is reported.',
    '',
    'To rerun these rows alone: `npm run bench:deploy` (no build needed: it runs the TypeScript ' +
      'sources through @swc-node/register). It needs PostgreSQL 15 server and client programs ' +
      '(tools/postgres.mjs installs the Debian package when they are missing) and about 1 GiB free in ' +
      'the temporary folder.',
    '',
  ];
  return lines.join('\n');
}
