import { logger } from '@nx/devkit';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import type { DatabaseEngine } from '../../adapters/db/database';
import { testProject } from '../../use-cases/test';
import { DATABASE_ENGINES, testServerUrl } from '../../test-support/databases';
import { REPO_ROOT } from '../../test-support/fixtures';
import {
  historyWorkspace,
  type HistoryWorkspace,
  REAL_HISTORIES,
  type RealHistory,
  recordedDrift,
} from '../../test-support/real-histories';
import downScriptsGenerator from './down-scripts';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { defaultSnapshotCacheDir } from '../../adapters/db/pglite-snapshot';
import { AppliedPrefixes } from '../../use-cases/shared/embedded-prefixes';

const MINUTES = 60_000;
const IRREVERSIBLE_MARKER = '-- forge:irreversible:';

/**
 * How many downs each history gets as scripts (the others are irreversible: data changes, drops a
 * deploy cannot archive; the drops it can archive get downs that make the table or column again),
 * and the migrations whose down the schema could undo but no script could be derived: foreign keys
 * and tables of implicit many-to-many relations an older Prisma made, which Prisma 7's diff re-creates
 * its own way (a primary key where there was a unique index), and conversions the diff cannot take
 * back in one step (bytea to jsonb; a type or column the same migration renamed or converted).
 */
const EXPECTED: Record<RealHistory, { scripts: number; notDerived: string[] }> = {
  umami: { scripts: 17, notDerived: [] },
  hoppscotch: { scripts: 17, notDerived: [] },
  'trigger-dev': {
    scripts: 801,
    notDerived: [
      '20221223132913_more_pub_sub_refactoring',
      '20230426151056_users_are_now_org_members',
      '20230615152126_revamp_integration_schema',
      '20230724074140_changed',
      '20231121155237_change_kv_value_to_bytes',
      '20240319120645_convert_start_time_to_nanoseconds_since_epoch',
      '20240720101649_added_task_run_tag_removed_task_tag',
      '20250526092407_remove_v2_tables_round_1',
      '20250526095444_remove_v2_round_6',
      '20260630130000_drop_task_run_to_task_run_tag_join',
      '20260705210000_drop_waitpoint_run_connections_waitpoint_fk',
      '20260705230000_drop_completed_waitpoints_waitpoint_fk',
    ],
  },
};

/**
 * The public histories under fixtures/, as a team brings them: down-scripts writes a down for
 * every migration, then migrate-test proves the whole history with them on both databases.
 */
describe.each(REAL_HISTORIES)('down-scripts, then migrate-test, on the %s history', (history) => {
  let workspace: HistoryWorkspace;
  const downOf = (name: string) => readFileSync(path.join(workspace.migrationsDir, name, 'down.sql'), 'utf8');
  const migrations = () =>
    readdirSync(workspace.migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();

  beforeAll(async () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    workspace = historyWorkspace(history);
    const tree = new FsTree(workspace.dir, false);
    await downScriptsGenerator(tree, { project: workspace.project });
    flushChanges(workspace.dir, tree.listChanges());
  }, 20 * MINUTES);
  afterAll(() => {
    jest.restoreAllMocks();
    workspace.remove();
  });

  it('writes a down.sql for every migration: a script, or irreversible with its reasons', () => {
    for (const name of migrations()) {
      const down = downOf(name);
      if (down.includes(IRREVERSIBLE_MARKER)) expect(down).toMatch(new RegExp(`${IRREVERSIBLE_MARKER} \\S.{10,}`));
      else expect(down).toMatch(/^-- Down script of /);
    }
    expect(migrations().filter((name) => !downOf(name).includes(IRREVERSIBLE_MARKER))).toHaveLength(EXPECTED[history].scripts);
    expect(migrations().filter((name) => downOf(name).includes('no down script could be derived'))).toEqual(EXPECTED[history].notDerived);
  });

  it.each(DATABASE_ENGINES)(
    'migrate-test passes on %s: every migration applied, every down script verified, none missing, the recorded drift only',
    async (engine: DatabaseEngine) => {
      const report = await testProject({
        project: workspace.project,
        projectRoot: workspace.projectDir,
        workspaceRoot: REPO_ROOT,
        url: engine === 'postgresql' ? testServerUrl() : undefined,
        urlSource: 'TEST_DATABASE_URL',
        allowDrift: true,
      });
      expect(report.errors).toEqual([]);
      expect(report.migrations.map((migration) => migration.name)).toEqual(migrations());
      expect(report.migrations.filter((migration) => !migration.applied)).toEqual([]);
      const scripts = report.migrations.filter((migration) => !downOf(migration.name).includes(IRREVERSIBLE_MARKER));
      expect(
        scripts
          .filter((migration) => migration.down !== 'verified')
          .map((migration) => [migration.name, migration.down, migration.downDetails]),
      ).toEqual([]);
      expect(report.migrations.filter((migration) => migration.down === 'missing' || migration.down === 'failed')).toEqual([]);
      expect(report.migrations.flatMap((migration) => migration.integrity.violations)).toEqual([]);
      expect(report.idempotent).toBe(true);
      expect(report.drift).toMatchObject({ clean: false, allowed: true });
      expect(report.drift.sql.trim()).toBe(recordedDrift(history));
      expect(report.ok).toBe(true);
      // What the representative rows made fail is reported with what production rows need.
      for (const dependence of report.migrations.flatMap((migration) => migration.dataDependent)) {
        expect(dependence).toMatchObject({ statement: expect.stringMatching(/line \d+/), need: expect.stringMatching(/first$/) });
        expect(dependence.rowsRemoved).toEqual(
          expect.arrayContaining([{ table: expect.stringMatching(/^\w+\.\w+$/), rows: expect.any(Number) }]),
        );
      }
    },
    30 * MINUTES,
  );
});

/** down-scripts on umami after an earlier run kept the history applied: it goes on from there. */
describe('down-scripts from the history an earlier run kept applied', () => {
  let workspace: HistoryWorkspace;
  const worthKeeping = AppliedPrefixes.worthKeepingMs;
  beforeAll(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    AppliedPrefixes.worthKeepingMs = 0;
    workspace = historyWorkspace('umami');
  });
  afterAll(() => {
    AppliedPrefixes.worthKeepingMs = worthKeeping;
    jest.restoreAllMocks();
    workspace.remove();
  });

  it(
    "derives a new migration's down from the kept history, as from an empty database",
    async () => {
      const store = path.join(defaultSnapshotCacheDir(REPO_ROOT), 'prefixes');
      const kept = () => (existsSync(store) ? readdirSync(store).filter((name) => !name.startsWith('.')) : []);
      const opens = jest.spyOn(PgliteDatabase, 'open');
      const run = async () => {
        opens.mockClear();
        const tree = new FsTree(workspace.dir, false);
        await downScriptsGenerator(tree, { project: workspace.project });
        flushChanges(workspace.dir, tree.listChanges());
        return opens.mock.calls[0][0].snapshot !== undefined;
      };
      // What earlier specs of this file kept (their own cache folder) goes: this one starts with none.
      rmSync(store, { recursive: true, force: true });
      const before = new Set(kept());
      expect(await run()).toBe(false);
      const keptByFirstRun = kept().filter((name) => !before.has(name));
      expect(keptByFirstRun).toHaveLength(1);

      const added = path.join(workspace.migrationsDir, '29990101000000_nickname');
      mkdirSync(added);
      writeFileSync(path.join(added, 'migration.sql'), 'ALTER TABLE "user" ADD COLUMN "nickname" TEXT;\n');
      expect(await run()).toBe(true);
      const fromKept = readFileSync(path.join(added, 'down.sql'), 'utf8');
      expect(fromKept).toMatch(/DROP COLUMN "nickname"/);

      // The same down from an empty database, with nothing kept.
      for (const name of kept().filter((entry) => !before.has(entry))) rmSync(path.join(store, name), { recursive: true });
      rmSync(path.join(added, 'down.sql'));
      AppliedPrefixes.worthKeepingMs = Infinity;
      expect(await run()).toBe(false);
      expect(readFileSync(path.join(added, 'down.sql'), 'utf8')).toBe(fromKept);
    },
    10 * MINUTES,
  );
});
