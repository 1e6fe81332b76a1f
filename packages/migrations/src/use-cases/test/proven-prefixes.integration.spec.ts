import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseSnapshot, snapshotFile } from '../../adapters/db/pglite-snapshot';
import type { TestReport } from '../../core/test-report';
import { SNAPSHOT_CACHE_DIR, testServerUrl } from '../../test-support/databases';
import { serverRows } from '../../test-support/server-queries';
import { REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { historyWorkspace, type HistoryWorkspace } from '../../test-support/real-histories';
import { testProject } from '../test';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { loadVenture } from '../../adapters/store/load-venture';
import { loadSqlParser } from '../../core/sql/parser';
import { statesAround } from '../../dashboard/migration-diagrams';
import { schemaStates } from '../schema-states';
import { AppliedPrefixes } from '../shared/embedded-prefixes';

jest.setTimeout(300_000);

/**
 * A report without what differs from run to run: timings, whether a prefix was reused, and on a
 * server the locks sampled while each migration ran and the evidence drawn from them (what a
 * sample catches depends on timing).
 */
function comparable(report: TestReport) {
  const { startedAt: _startedAt, durationMs: _durationMs, reusedPrefix: _reusedPrefix, phases: _phases, ...rest } = report;
  return {
    ...rest,
    migrations: report.migrations.map(({ ms: _ms, locks: _locks, findings, ...migration }) => ({
      ...migration,
      findings: findings.map(({ evidence: _evidence, ...finding }) => finding),
    })),
  };
}

/**
 * Proven prefixes on the embedded database, on umami's real history: a run starts from the longest
 * prefix an earlier run proved with the same migrations, plugin, database and options, and reports
 * what a cold run reports.
 */
describe('proven prefixes of migrate-test, on the umami history', () => {
  let workspace: HistoryWorkspace;
  let cache: TemporaryProject;
  const saved = process.env['FORGE_MIGRATIONS_CACHE_DIR'];
  let warnings: string[] = [];
  /** The migrations a run proved itself (a reused prefix's are not reported one by one). */
  let proven = 0;
  const run = (prefixCache: boolean, strictData = false) =>
    testProject({
      project: workspace.project,
      projectRoot: workspace.projectDir,
      workspaceRoot: REPO_ROOT,
      urlSource: 'TEST_DATABASE_URL',
      allowDrift: true,
      strictData,
      prefixCache,
      onWarning: (warning) => warnings.push(warning),
      onMigration: () => proven++,
    });
  const entries = () => readdirSync(path.join(cache.dir, 'prefixes')).filter((name) => !name.startsWith('.'));
  const addMigration = (name: string, sql: string) => {
    mkdirSync(path.join(workspace.migrationsDir, name));
    writeFileSync(path.join(workspace.migrationsDir, name, 'migration.sql'), sql);
  };

  beforeAll(async () => {
    // The store in a folder of its own, beside the embedded database's snapshot the other specs use.
    await baseSnapshot(SNAPSHOT_CACHE_DIR);
    cache = temporaryDir('forge-prefix-cache-');
    copyFileSync(snapshotFile(SNAPSHOT_CACHE_DIR), snapshotFile(cache.dir));
    process.env['FORGE_MIGRATIONS_CACHE_DIR'] = cache.dir;
  });
  afterAll(() => {
    process.env['FORGE_MIGRATIONS_CACHE_DIR'] = saved;
    cache.remove();
  });
  beforeEach(() => {
    workspace = historyWorkspace('umami');
    warnings = [];
  });
  afterEach(() => {
    workspace.remove();
    // Keeping a proof, or reading one, never warns.
    expect(warnings.filter((warning) => /proven/.test(warning))).toEqual([]);
  });

  it('starts from the prefix an earlier run proved, with the report of a cold run; only the newest migrations are proven', async () => {
    const cold = await run(false);
    expect(cold.reusedPrefix).toBeUndefined();
    const first = await run(true);
    expect(first.reusedPrefix).toBeUndefined();
    expect(comparable(first)).toEqual(comparable(cold));
    // Kept before the newest migration, the one a developer edits: every run proves it again.
    proven = 0;
    const again = await run(true);
    expect(again.reusedPrefix).toBe(18);
    expect(proven).toBe(1);
    expect(comparable(again)).toEqual(comparable(cold));

    // One migration more: its proof goes on from the rows and state the prefix left, as a cold run's does.
    addMigration(
      '20_add_note',
      'CREATE TABLE "note" ("note_id" UUID NOT NULL, "website_id" UUID NOT NULL, "body" TEXT NOT NULL, CONSTRAINT "note_pkey" PRIMARY KEY ("note_id"));\n' +
        'ALTER TABLE "note" ADD CONSTRAINT "note_website_id_fkey" FOREIGN KEY ("website_id") REFERENCES "website"("website_id") ON DELETE CASCADE;\n' +
        'ALTER TABLE "website" ADD COLUMN "note_count" INTEGER NOT NULL DEFAULT 0;\n',
    );
    proven = 0;
    const longer = await run(true);
    expect(longer.reusedPrefix).toBe(18);
    expect(proven).toBe(2);
    proven = 0;
    const edited = await run(true);
    expect(edited.reusedPrefix).toBe(19);
    expect(proven).toBe(1);
    expect(edited.migrations).toHaveLength(20);
    expect(edited.migrations[19]).toMatchObject({ name: '20_add_note', applied: true });
    expect(edited.migrations[19].integrity.rowsChecked).toBeGreaterThan(0);
    const coldOf20 = comparable(await run(false));
    expect(comparable(longer)).toEqual(coldOf20);
    expect(comparable(edited)).toEqual(coldOf20);
  });

  it('proves the whole history again when an earlier migration or an option that changes results differs', async () => {
    rmSync(path.join(cache.dir, 'prefixes'), { recursive: true, force: true });
    await run(true);
    expect((await run(true)).reusedPrefix).toBe(18);
    expect((await run(true, true)).reusedPrefix).toBeUndefined();
    appendFileSync(path.join(workspace.migrationsDir, '10_add_distinct_id', 'migration.sql'), '\n-- edited\n');
    const edited = await run(true);
    expect(edited.reusedPrefix).toBeUndefined();
    expect(edited.migrations.every((migration) => migration.applied)).toBe(true);
    expect((await run(true)).reusedPrefix).toBe(18);
    // A later foreign key over an earlier table: the rows seeded into it from the start point at
    // websites, as they would not in the history the prefix was proven in.
    addMigration(
      '20_session_website_fkey',
      'ALTER TABLE "session" ADD CONSTRAINT "session_website_fkey" FOREIGN KEY ("website_id") REFERENCES "website"("website_id");\n',
    );
    const withKey = await run(true);
    expect(withKey.reusedPrefix).toBeUndefined();
    expect(comparable(withKey)).toEqual(comparable(await run(false)));
  });

  it("gives the dashboard's diagrams the schema from the prefix kept, as from an empty database", async () => {
    await run(true);
    const venture = await loadVenture(workspace.projectDir);
    const parser = await loadSqlParser();
    const empty = temporaryDir('forge-no-prefix-cache-');
    copyFileSync(snapshotFile(SNAPSHOT_CACHE_DIR), snapshotFile(empty.dir));
    const opens = jest.spyOn(PgliteDatabase, 'open');
    const worthKeeping = AppliedPrefixes.worthKeepingMs;
    // Nothing applied is kept until the part that keeps it (however long applying takes here).
    AppliedPrefixes.worthKeepingMs = Infinity;
    const states = async (cacheDir: string, index: number) => {
      opens.mockClear();
      const read = await schemaStates(parser, venture.history, venture.schema, workspace.projectDir, cacheDir, statesAround(index));
      return { read, startedFromPrefix: opens.mock.calls[0][0].snapshot !== undefined };
    };
    try {
      const newest = venture.history.migrations.length - 1;
      const fromPrefix = await states(cache.dir, newest);
      const fromEmpty = await states(empty.dir, newest);
      expect([fromPrefix.startedFromPrefix, fromEmpty.startedFromPrefix]).toEqual([true, false]);
      expect([...fromPrefix.read.keys()]).toEqual([newest - 1, newest]);
      expect([...fromPrefix.read.values()].filter((state) => state instanceof Error)).toEqual([]);
      expect(fromPrefix.read).toEqual(fromEmpty.read);
      // An earlier migration's schema is before the prefix ends: read from an empty database.
      const early = await states(cache.dir, 3);
      expect(early.startedFromPrefix).toBe(false);
      expect(early.read).toEqual((await states(empty.dir, 3)).read);
      // What the diagrams applied is kept when that took long (here, always): the next view goes on from it.
      AppliedPrefixes.worthKeepingMs = 0;
      expect((await states(empty.dir, 8)).startedFromPrefix).toBe(false);
      const next = await states(empty.dir, 10);
      expect(next.startedFromPrefix).toBe(true);
      AppliedPrefixes.worthKeepingMs = Infinity;
      expect(next.read).toEqual((await states(cache.dir, 10)).read);
    } finally {
      AppliedPrefixes.worthKeepingMs = worthKeeping;
      opens.mockRestore();
      empty.remove();
    }
  });

  it('takes a damaged entry as missing and keeps the next proof in its place; parallel runs share the store', async () => {
    rmSync(path.join(cache.dir, 'prefixes'), { recursive: true, force: true });
    const [one, two] = await Promise.all([run(true), run(true)]);
    expect(comparable(one)).toEqual(comparable(two));
    // Both proved the same history: one entry, the first kept.
    const [entry, ...others] = entries();
    expect(others).toEqual([]);
    truncateSync(path.join(cache.dir, 'prefixes', entry, 'data.tar'), 100);
    const rebuilt = await run(true);
    expect(rebuilt.reusedPrefix).toBeUndefined();
    expect(comparable(rebuilt)).toEqual(comparable(one));
    expect((await run(true)).reusedPrefix).toBe(18);
  });
});

/**
 * On a PostgreSQL server a prefix's database is kept on the server (`forge_proven_<key>`, copied
 * from the run's) and a later run's database is a copy of it (CREATE DATABASE … TEMPLATE).
 */
describe('proven prefixes of migrate-test on PostgreSQL, on the umami history', () => {
  let workspace: HistoryWorkspace;
  let cache: TemporaryProject;
  let warnings: string[] = [];
  const run = (prefixCache: boolean) =>
    testProject({
      project: workspace.project,
      projectRoot: workspace.projectDir,
      workspaceRoot: REPO_ROOT,
      url: testServerUrl(),
      urlSource: 'TEST_DATABASE_URL',
      allowDrift: true,
      prefixCache,
      onWarning: (warning) => warnings.push(warning),
    });
  const entries = () =>
    (existsSync(path.join(cache.dir, 'prefixes')) ? readdirSync(path.join(cache.dir, 'prefixes')) : []).filter(
      (name) => !name.startsWith('.'),
    );
  const kept = async () =>
    (await serverRows<{ datname: string }>(testServerUrl(), "SELECT datname FROM pg_database WHERE datname LIKE 'forge\\_proven\\_%'")).map(
      (row) => row.datname,
    );

  beforeEach(() => {
    workspace = historyWorkspace('umami');
    cache = temporaryDir('forge-prefix-cache-pg-');
    process.env['FORGE_MIGRATIONS_CACHE_DIR'] = cache.dir;
    warnings = [];
  });
  afterEach(() => {
    workspace.remove();
    cache.remove();
    expect(warnings.filter((warning) => /proven/.test(warning))).toEqual([]);
  });

  it('starts from a copy of the database an earlier run kept on the server, with the report of a cold run', async () => {
    const cold = await run(false);
    expect(cold.ok).toBe(true);
    expect(entries()).toEqual([]);
    const first = await run(true);
    expect(first.reusedPrefix).toBeUndefined();
    const [entry, ...others] = entries();
    expect(others).toEqual([]);
    const made = `forge_proven_${entry.slice(0, 40)}`;
    expect(await kept()).toContain(made);
    const again = await run(true);
    expect(again.reusedPrefix).toBe(18);
    expect(comparable(again)).toEqual(comparable(cold));
    // The kept database is never the run's own: it is there, unchanged, for the next run.
    expect(await kept()).toContain(made);
    expect((await run(true)).reusedPrefix).toBe(18);
  });

  it('holds the server to ten kept databases, the oldest made dropped first; parallel runs share them', async () => {
    const older = Array.from({ length: 11 }, (_, index) => `forge_proven_spec_${index}`);
    const dropOlder = async () => {
      for (const name of older) await serverRows(testServerUrl(), `DROP DATABASE IF EXISTS "${name}"`);
    };
    await dropOlder();
    try {
      for (const name of older) await serverRows(testServerUrl(), `CREATE DATABASE "${name}"`);
      const [one, two] = await Promise.all([run(true), run(true)]);
      expect(comparable(one)).toEqual(comparable(two));
      const [entry, ...others] = entries();
      expect(others).toEqual([]);
      const now = await kept();
      expect(now.length).toBeLessThanOrEqual(10);
      expect(now).toContain(`forge_proven_${entry.slice(0, 40)}`);
      expect(now).not.toContain(older[0]);
      expect((await run(true)).reusedPrefix).toBe(18);
    } finally {
      await dropOlder();
    }
  });

  it('proves the whole history again when the kept database is gone from the server', async () => {
    await run(true);
    const [entry, ...others] = entries();
    expect(others).toEqual([]);
    await serverRows(testServerUrl(), `DROP DATABASE "forge_proven_${entry.slice(0, 40)}"`);
    const cold = await run(true);
    expect(cold.reusedPrefix).toBeUndefined();
    expect(cold.ok).toBe(true);
    // Kept again, and found.
    expect((await run(true)).reusedPrefix).toBe(18);
  });
});
