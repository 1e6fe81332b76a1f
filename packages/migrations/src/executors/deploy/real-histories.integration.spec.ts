import { logger } from '@nx/devkit';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSqlParser } from '../../core/sql/parser';
import { PgDatabase } from '../../adapters/db/pg-database';
import { applyPendingMigrations } from '../../use-cases/shared/apply-migrations';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { newestReport } from '../../test-support/reports';
import { historyWorkspace, type HistoryWorkspace, REAL_HISTORIES } from '../../test-support/real-histories';
import { serverRows } from '../../test-support/server-queries';
import migrateStatusExecutor from '../status/executor';
import migrateDeployExecutor from './executor';

const MINUTES = 60_000;

/** migrate-deploy of the public histories under fixtures/, and the safety gate's judgement of the live database. */
describe('migrate-deploy of real histories on PostgreSQL', () => {
  let workspace: HistoryWorkspace;
  let database: { url: string; drop: () => Promise<void> };
  let output: string[];
  const saved = { ...process.env };

  const context = (target: string) => ({ ...executorContext(workspace.dir, workspace.project, workspace.projectRoot), targetName: target });
  const deploy = (options: Record<string, unknown> = {}) =>
    migrateDeployExecutor({ lockTimeout: 5, ...options }, context('migrate-deploy'));
  const status = () => migrateStatusExecutor({ check: true, versionFile: '' }, context('migrate-status'));
  const latestReport = () => newestReport(path.join(workspace.dir, 'reports/migrate-deploy', workspace.projectRoot));
  const sql = <T = Record<string, unknown>>(text: string) => serverRows<T>(database.url, text);
  const appliedCount = async () =>
    (
      await sql<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')
    )[0].n;

  /** The history up to and including `last` applied, as `prisma migrate deploy` would have left it. */
  async function applyThrough(last: string): Promise<void> {
    const history = readMigrationHistory(workspace.migrationsDir);
    const live = await PgDatabase.connect({ url: database.url, source: 'spec' });
    try {
      await applyPendingMigrations(
        await loadSqlParser(),
        live,
        history.migrations.slice(0, history.migrations.findIndex((migration) => migration.name === last) + 1),
      );
    } finally {
      await live.close();
    }
  }

  function useHistory(history: (typeof REAL_HISTORIES)[number]) {
    workspace = historyWorkspace(history);
  }

  beforeEach(async () => {
    database = await createServerDatabase('history');
    process.env['DATABASE_URL'] = database.url;
    output = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace?.remove();
  });

  it.each(REAL_HISTORIES)(
    'deploys the whole %s history into an empty database with no approval: its drops lose nothing there; status is then clean',
    async (history) => {
      useHistory(history);
      const total = readMigrationHistory(workspace.migrationsDir).migrations.length;
      expect(await deploy()).toEqual({ success: true });
      expect(latestReport()).toMatchObject({ ok: true, status: 'deployed' });
      expect(await appliedCount()).toBe(total);
      const [started] = await sql<{ details: { gate?: Array<{ verdict: string }> } }>(
        "SELECT details FROM forge_migrations.events WHERE kind = 'deploy_started'",
      );
      const verdicts = new Set((started.details?.gate ?? []).map((judged) => judged.verdict));
      // umami, hoppscotch and trigger-dev all drop tables or columns somewhere in their history.
      expect(verdicts.size).toBeGreaterThan(0);
      expect([...verdicts].every((verdict) => ['created-in-deploy', 'absent', 'empty'].includes(verdict))).toBe(true);
      expect(await status()).toEqual({ success: true });
      expect(output.join('\n')).toMatch(/drift: none/);
    },
    10 * MINUTES,
  );

  describe('on umami, live up to 03_metric_performance_index (04_team_redesign drops team_website)', () => {
    beforeEach(async () => {
      useHistory('umami');
      await applyThrough('03_metric_performance_index');
    });

    it('stops before anything is applied when the dropped table holds rows, and says so', async () => {
      await sql(
        'INSERT INTO team_website (team_website_id, team_id, website_id) VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid())',
      );
      const applied = await appliedCount();
      expect(await deploy()).toEqual({ success: false });
      expect(latestReport()).toMatchObject({
        status: 'refused',
        error: expect.stringMatching(
          /The safety gate stopped the deploy.*04_team_redesign line \d+: DS101 drops table team_website and its rows \(data loss: team_website holds rows\)/s,
        ),
      });
      expect(await appliedCount()).toBe(applied);
    });

    it('shows each judgement with --dryRun, and deploys when the table is empty', async () => {
      expect(await deploy({ dryRun: true })).toEqual({ success: true });
      expect(output.join('\n')).toMatch(
        /DS101 line \d+: drops table team_website and its rows \(nothing to lose: team_website is empty \(checked again right before the migration\)\)/,
      );
      expect(await deploy()).toEqual({ success: true });
      expect(latestReport()).toMatchObject({ status: 'deployed' });
    });
  });

  it('stops right before a migration when a table judged empty got rows since, and rolls the deploy back', async () => {
    useHistory('umami');
    rmSync(workspace.migrationsDir, { recursive: true });
    const migration = (name: string, sqlText: string) => {
      mkdirSync(path.join(workspace.migrationsDir, name), { recursive: true });
      writeFileSync(path.join(workspace.migrationsDir, name, 'migration.sql'), sqlText);
    };
    migration('1_live', 'CREATE TABLE "Plan" ("id" INTEGER PRIMARY KEY, "legacy" TEXT);\n');
    writeFileSync(path.join(workspace.migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    await applyThrough('1_live');
    migration('2_seed', 'INSERT INTO "Plan" ("id", "legacy") VALUES (1, \'kept\');\n');
    migration('3_drop_legacy', 'ALTER TABLE "Plan" DROP COLUMN "legacy";\n');
    expect(await deploy({ allowDrift: true })).toEqual({ success: false });
    expect(latestReport()).toMatchObject({
      status: 'rolled-back',
      error: expect.stringMatching(
        new RegExp(
          'The safety gate stopped the deploy before 3_drop_legacy: line 1: DS102 drops column Plan\\.legacy and its values, ' +
            'and Plan now holds rows \\(none when the deploy began\\)',
        ),
      ),
    });
    expect(await sql('SELECT * FROM "Plan"')).toEqual([]);
    expect(await appliedCount()).toBe(1);
  });
});
