import { logger } from '@nx/devkit';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { StatusReport } from '../../core/deploy/status-report';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { seedBillingDatabase, serverRows } from '../../test-support/server-queries';
import migrateDeployExecutor from '../deploy/executor';
import migrateRollbackExecutor from '../rollback/executor';
import { loadSqlParser } from '../../core/sql/parser';
import { readStatus } from '../../use-cases/status';
import { DatabaseRun } from '../shared/database-run';
import migrateStatusExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';
const LATER = ['20240310083000_invoice_currency', '20240402100000_rename_amount_to_total', '20240415090000_invoice_audit_trigger'];

/** migrate-status on a real PostgreSQL 15: states, drift, version, history, --json and --check. */
describe('migrate-status on PostgreSQL', () => {
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  let output: string[];
  let stdout: string[];
  const saved = { ...process.env };
  const context = () => executorContext(workspace.dir, 'billing', 'apps/billing');
  const status = (options: Record<string, unknown> = {}) => migrateStatusExecutor({ lockTimeout: 1, ...options }, context());
  const json = async (options: Record<string, unknown> = {}): Promise<{ success: boolean; report: StatusReport }> => {
    stdout.length = 0;
    const { success } = await status({ json: true, ...options });
    return { success, report: JSON.parse(stdout.join('')) };
  };
  const sql = (text: string) => serverRows(database.url, text);

  beforeEach(async () => {
    workspace = temporaryDir('forge-status-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    database = await createServerDatabase('status');
    process.env['DATABASE_URL'] = database.url;
    output = [];
    stdout = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
    await seedBillingDatabase(database.url, path.join(workspace.dir, MIGRATIONS), LATER, false);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  it('shows applied and pending migrations, the schema version and the versions of everything; --check fails while anything is pending', async () => {
    expect(await status()).toEqual({ success: true });
    const text = output.join('\n');
    expect(text).toMatch(
      /billing \(default\) on .*\nschema version (\d+\.\d+\.\d+) \(the migrations folder is at \d+\.\d+\.\d+\)\n2 applied, 3 pending, 0 failed, 0 rolled back/,
    );
    expect(text).toMatch(new RegExp(`✓ applied +20240101090000_init +0\\.1\\.0`));
    expect(text).toMatch(new RegExp(`… pending +${LATER[2]}`));
    expect(text).toMatch(/drift: none/);
    expect(text).toMatch(
      /versions: PostgreSQL 15\.\d+[^;]*; Prisma schema engine 8\.\d+\.\d+-.*; Node v\d+.*; @forge\/migrations \d+\.\d+\.\d+/,
    );
    expect(text).not.toContain(decodeURIComponent(new URL(database.url).password));
    expect(readFileSync(path.join(workspace.dir, 'apps/billing/DATABASE_VERSION.md'), 'utf8')).toMatch(
      /^# billing: database schema version \d+\.\d+\.\d+\n/,
    );

    expect(await status({ check: true })).toEqual({ success: false });
    expect(await migrateDeployExecutor({ lockTimeout: 5 }, context())).toEqual({ success: true });
    const { success, report } = await json({ check: true });
    expect(success).toBe(true);
    expect(report).toMatchObject({
      ok: true,
      deployRunning: false,
      schemaVersion: { database: report.schemaVersion.migrations },
      lastRun: { event: 'deploy: deploy_finished' },
    });
    expect(report.versionHistory[0]).toMatchObject({ event: 'deploy_finished', version: report.schemaVersion.migrations });
  });

  it('shows rolled back, failed and edited migrations and drift, each failing --check', async () => {
    expect(await migrateDeployExecutor({ lockTimeout: 5 }, context())).toEqual({ success: true });
    expect(await migrateRollbackExecutor({ yes: true }, context())).toEqual({ success: true });
    let { success, report } = await json({ check: true });
    expect(success).toBe(false);
    expect(report.migrations.find((migration) => migration.name === LATER[2])).toMatchObject({ state: 'rolled back' });
    expect(report.lastRun).toMatchObject({ event: 'rollback: rollback_finished' });
    expect(report.versionHistory.map((entry) => entry.event)).toEqual(['rollback_finished', 'deploy_finished']);

    await sql(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${LATER[1]}'`);
    await sql(`UPDATE _prisma_migrations SET checksum = 'x' WHERE migration_name = '${LATER[0]}'`);
    await sql('CREATE TABLE "HandMade" (id int)');
    ({ success, report } = await json({ check: true }));
    expect(success).toBe(false);
    expect(report.migrations.find((migration) => migration.name === LATER[1])).toMatchObject({ state: 'failed' });
    expect(report.migrations.find((migration) => migration.name === LATER[0])).toMatchObject({ state: 'applied', edited: true });
    expect(report.drift).toMatchObject({
      checked: true,
      clean: false,
      sql: expect.stringMatching(/CREATE TABLE "public"\."HandMade"|CREATE TABLE "HandMade"/),
    });

    // A view that shows no drift (a migration's page in migrate-ui) reads the rest alone.
    const run = new DatabaseRun('migrate-status', {}, context());
    const parser = await loadSqlParser();
    const venture = await run.readProject();
    const withoutDrift = await run.withTarget(
      parser,
      venture,
      (target) =>
        readStatus({
          ...run.useCaseInput(parser, venture, target),
          schema: venture.schema,
          configDir: venture.layout.projectRoot,
          checkDrift: false,
        }),
      { lock: false },
    );
    expect(withoutDrift.drift).toEqual({ checked: false, clean: false, sql: '', error: 'not read for this view' });
    expect(withoutDrift.migrations).toEqual(report.migrations);
  });

  it('reads a server without waiting for the deploy lock, and says a deploy is running', async () => {
    const holder = new pg.Client(database.url);
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707370)');
      const { success, report } = await json();
      expect(success).toBe(true);
      expect(report.deployRunning).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('an unreachable server: a clear error naming the variable, never the URL', async () => {
    process.env['DATABASE_URL'] = database.url.replace(/:\d+\//, ':1/');
    expect(await status()).toEqual({ success: false });
    expect(output.join('\n')).toMatch(/DATABASE_URL/);
    expect(output.join('\n')).not.toContain(decodeURIComponent(new URL(database.url).password));
  });
});
