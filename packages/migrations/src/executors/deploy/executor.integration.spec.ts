import { logger } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { PgDatabase } from '../../adapters/db/pg-database';
import { createServerDatabase } from '../../test-support/databases';
import { createEventsTable } from '../../use-cases/deploy/event-store';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { seedBillingDatabase, serverRows, serverState } from '../../test-support/server-queries';
import migrateDeployExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';
const LATER = ['20240310083000_invoice_currency', '20240402100000_rename_amount_to_total', '20240415090000_invoice_audit_trigger'];
/** The events of a deploy whose second migration failed: the first one's down ran. */
const FAILED_ON_SECOND = [
  ['deploy_started', LATER],
  ['backup_taken', []],
  ['migration_applied', [LATER[0]]],
  ['deploy_failed', LATER.slice(0, 2)],
  ['rollback_started', LATER.slice(0, 2)],
  ['migration_rolled_back', [LATER[0]]],
  ['rollback_finished', [LATER[0]]],
];

/** migrate-deploy on a real PostgreSQL 15 holding data. */
describe('migrate-deploy on PostgreSQL', () => {
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  let output: string[];
  let hooks: string[];
  let webhookServer: http.Server;
  const saved = { ...process.env };

  const run = (options: Record<string, unknown> = {}) =>
    migrateDeployExecutor(
      { lockTimeout: 5, ...options },
      { ...executorContext(workspace.dir, 'billing', 'apps/billing'), targetName: 'migrate-deploy' },
    );
  const sql = <T = Record<string, unknown>>(text: string) => serverRows<T>(database.url, text);
  const state = () => serverState(database.url);
  const reportFiles = () => {
    const dir = path.join(workspace.dir, 'reports/migrate-deploy/apps/billing');
    return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
  };
  const latestReport = () =>
    JSON.parse(
      readFileSync(
        reportFiles()
          .filter((file) => file.endsWith('.json'))
          .sort()
          .pop()!,
        'utf8',
      ),
    );

  beforeAll(async () => {
    webhookServer = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        hooks.push(body);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => webhookServer.close(resolve)));

  beforeEach(async () => {
    workspace = temporaryDir('forge-deploy-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    database = await createServerDatabase('deploy');
    process.env['DATABASE_URL'] = database.url;
    process.env['MIGRATIONS_WEBHOOK_URL'] = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/hook`;
    output = [];
    hooks = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    // The first two migrations are live (applied earlier), with data; the last three are the deploy under test.
    await seedBillingDatabase(database.url, path.join(workspace.dir, MIGRATIONS), LATER);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  const write = (file: string, content: string) => writeFileSync(path.join(workspace.dir, MIGRATIONS, file), content);
  const events = () =>
    sql<{ kind: string; migrations: string[]; error: string | null }>(
      'SELECT kind, migrations, error FROM forge_migrations.events ORDER BY id',
    );
  const password = () => decodeURIComponent(new URL(database.url).password);

  it('rolls back a deploy whose second migration fails halfway: schema and every row as before, events, report, webhook, no password anywhere', async () => {
    write(
      `${LATER[1]}/migration.sql`,
      'ALTER TABLE "Invoice" RENAME COLUMN "amountCents" TO "totalCents";\nUPDATE "Invoice" SET "totalCents" = "totalCents" * 2;\nSELECT 1 / 0;\n',
    );
    const before = await state();

    expect(await run()).toEqual({ success: false });

    expect(await state()).toEqual(before);
    const report = latestReport();
    expect(report).toMatchObject({
      ok: false,
      status: 'rolled-back',
      applied: [],
      rolledBack: [LATER[0]],
      restored: false,
      error: expect.stringMatching(/division by zero/),
    });
    expect((await events()).map((event) => [event.kind, event.migrations])).toEqual(FAILED_ON_SECOND);
    const rows = await sql<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
      'SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows.filter((row) => !row.rolled_back).map((row) => row.migration_name)).toEqual([
      '20240101090000_init',
      '20240215120000_add_customer_preferences',
    ]);

    expect(hooks).toHaveLength(1);
    const hook = JSON.parse(hooks[0]);
    expect(hook.text).toMatch(/migrate-deploy billing \(default\) rolled-back: .*division by zero/);
    expect(
      reportFiles()
        .map((file) => path.extname(file))
        .sort(),
    ).toEqual(['.json', '.log', '.md']);
    const everything = [
      ...reportFiles().map((file) => readFileSync(file, 'utf8')),
      hooks.join(''),
      output.join('\n'),
      JSON.stringify(await sql('SELECT * FROM forge_migrations.events')),
    ].join('\n');
    expect(everything).toContain('division by zero');
    expect(everything).not.toContain(password());
  });

  it('commits each migration with its migration_applied event: one whose event cannot be written is not applied, and the deploy rolls back', async () => {
    const live = await PgDatabase.connect({ url: database.url, source: 'spec' });
    await createEventsTable(live).finally(() => live.close());
    await sql(`ALTER TABLE forge_migrations.events ADD CHECK (kind <> 'migration_applied' OR migrations <> ARRAY['${LATER[1]}'])`);
    const before = await state();

    expect(await run()).toEqual({ success: false });

    expect(await state()).toEqual(before);
    expect(latestReport()).toMatchObject({
      status: 'rolled-back',
      rolledBack: [LATER[0]],
      error: expect.stringMatching(/check constraint/),
    });
    expect((await events()).map((event) => [event.kind, event.migrations])).toEqual(FAILED_ON_SECOND);
    const [renamed] = await sql<{ finished: boolean }>(
      `SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = '${LATER[1]}'`,
    );
    expect(renamed).toEqual({ finished: false });
  });

  it('restores the backup when a down is missing, and proves the rows are as before', async () => {
    rmSync(path.join(workspace.dir, MIGRATIONS, LATER[0], 'down.sql'));
    write(`${LATER[1]}/migration.sql`, 'SELECT 1 / 0;\n');
    const before = await state();

    expect(await run()).toEqual({ success: false });

    expect(await state()).toEqual(before);
    expect(latestReport()).toMatchObject({
      status: 'rolled-back',
      restored: true,
      backup: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect((await events()).map((event) => event.kind)).toEqual([
      'deploy_started',
      'backup_taken',
      'migration_applied',
      'deploy_failed',
      'rollback_started',
      'restored',
      'rollback_finished',
    ]);
  });

  it('deploys the three migrations with a verified backup, then is up to date; --dryRun shows the plan and changes nothing', async () => {
    const before = await state();
    expect(await run({ dryRun: true })).toEqual({ success: true });
    expect(output.join('\n')).toMatch(
      /3\. apply 3 migrations, one at a time:\n {5}- 20240310083000_invoice_currency \(in one transaction; down: script\)/,
    );
    expect(await state()).toEqual(before);
    expect(await sql("SELECT to_regclass('forge_migrations.events') AS events")).toEqual([{ events: null }]);

    expect(await run()).toEqual({ success: true });
    const report = latestReport();
    expect(report).toMatchObject({ ok: true, status: 'deployed', applied: LATER });
    expect(existsSync(path.join(workspace.dir, report.backup.file))).toBe(true);
    expect(await sql('SELECT count(*)::int AS n FROM "Invoice" WHERE "totalCents" > 0')).toEqual([{ n: 200 }]);
    expect(await run()).toEqual({ success: true });
    expect(latestReport()).toMatchObject({ status: 'up-to-date', applied: [] });
    expect(hooks).toEqual([]);
  });

  it('ten concurrent deploys: each migration applied exactly once, the others wait and find nothing to do', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => run({ lockTimeout: 120 })));
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => ({ success: true })));
    const statuses = reportFiles()
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(file, 'utf8')).status)
      .sort();
    expect(statuses).toEqual(['deployed', ...Array.from({ length: 9 }, () => 'up-to-date')]);
    const rows = await sql<{ migration_name: string; n: number }>(
      'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY 1 ORDER BY 1',
    );
    expect(rows.map((row) => [row.migration_name.slice(15), row.n])).toEqual([
      ['init', 1],
      ['add_customer_preferences', 1],
      ['invoice_currency', 1],
      ['rename_amount_to_total', 1],
      ['invoice_audit_trigger', 1],
    ]);
  });

  it("a second deploy waits for the deploy lock and for Prisma's migration lock up to its timeout, then gives up cleanly", async () => {
    const holder = new pg.Client(database.url);
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707370)');
      expect(await run({ lockTimeout: 1 })).toEqual({ success: false });
      expect(latestReport()).toMatchObject({
        status: 'refused',
        error: expect.stringMatching(
          /Another deploy or rollback \(or prisma migrate deploy\) is running .* waited 1 s for it, and nothing was done/,
        ),
      });
      await holder.query('SELECT pg_advisory_unlock(72707370)');

      // Prisma's own migration lock: held by `prisma migrate deploy`, or by the backend of a killed deploy still running its migration.
      await holder.query('SELECT pg_advisory_lock(72707369)');
      expect(await run({ lockTimeout: 1 })).toEqual({ success: false });
      expect(latestReport()).toMatchObject({ status: 'refused' });
      setTimeout(() => void holder.query('SELECT pg_advisory_unlock(72707369)'), 500);
      expect(await run({ lockTimeout: 10 })).toEqual({ success: true });
      expect(latestReport()).toMatchObject({ status: 'deployed', applied: LATER });
    } finally {
      await holder.end();
    }
  });

  describe('refuses with a clear error, and applies nothing', () => {
    const refused = async (options: Record<string, unknown>, message: RegExp) => {
      const before = await state();
      const rowsBefore = await sql('SELECT migration_name FROM _prisma_migrations ORDER BY started_at');
      expect(await run(options)).toEqual({ success: false });
      expect(latestReport()).toMatchObject({ ok: false, status: 'refused', applied: [], error: expect.stringMatching(message) });
      expect(await state()).toEqual(before);
      expect(await sql('SELECT migration_name FROM _prisma_migrations ORDER BY started_at')).toEqual(rowsBefore);
      expect(output.join('\n')).not.toContain(password());
    };

    it('a migration.sql edited after it was applied', async () => {
      write('20240215120000_add_customer_preferences/migration.sql', 'ALTER TABLE "Customer" ADD COLUMN "preferences" JSON;\n');
      await refused({}, /20240215120000_add_customer_preferences\/migration\.sql was edited after being applied/);
    });

    it('no pg_dump where it is looked for', async () => {
      const empty = temporaryDir('forge-no-pg-');
      try {
        await refused({ pgBinDir: empty.dir }, /pg_dump was not found in pgBinDir .*nothing was applied/);
      } finally {
        empty.remove();
      }
    });

    it('an unreachable server, named by its variable and never by its URL', async () => {
      process.env['DATABASE_URL'] = database.url.replace(/:\d+\//, ':1/');
      expect(await run()).toEqual({ success: false });
      expect(latestReport()).toMatchObject({ status: 'refused', error: expect.stringMatching(/DATABASE_URL/) });
      expect(
        readFileSync(
          reportFiles().find((file) => file.endsWith('.json'))!,
          'utf8',
        ),
      ).not.toContain(password());
    });

    it('unapproved data loss', async () => {
      write(`${LATER[0]}/migration.sql`, 'ALTER TABLE "Customer" DROP COLUMN "preferences";\n');
      await refused({}, /The safety gate stopped the deploy.*DS102 drops column Customer\.preferences/s);
    });

    it('a backup folder without room (a 64 KiB file system)', async () => {
      const full = path.join(workspace.dir, 'full');
      mountSmallFileSystem(full);
      try {
        await sql('CREATE TABLE "Filler" AS SELECT g, md5(g::text) AS a, md5((g + 1)::text) AS b FROM generate_series(1, 20000) g');
        await refused(
          { backupDir: 'full', allowDrift: true },
          /The backup failed, so nothing was applied: pg_dump said: .*(No space left on device|could not write)/s,
        );
        expect(latestReport().error).toMatch(/no room left/);
        expect(readdirSync(full)).toEqual([]);
      } finally {
        execFileSync('umount', [full]);
      }
    });
  });
});

/** A tiny tmpfs: the honest way to fill a disk. Needs root, as the CI machine gives. */
function mountSmallFileSystem(dir: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `This test mounts a 64 KiB tmpfs to fill a disk and could not (${(error as Error).message.trim()}): run the tests as root.`,
    );
  }
}
