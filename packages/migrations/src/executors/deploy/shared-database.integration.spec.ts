import { logger } from '@nx/devkit';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StatusReport } from '../../core/deploy/status-report';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { serverRows, serverState } from '../../test-support/server-queries';
import migrateRollbackExecutor from '../rollback/executor';
import migrateStatusExecutor from '../status/executor';
import migrateDeployExecutor from './executor';

const VENTURES = ['billing', 'ledger'] as const;
type Venture = (typeof VENTURES)[number];
const LAST = '20240415090000_invoice_audit_trigger';

/**
 * Two ventures in one PostgreSQL database, each in the schema its URL names (`?schema=`), with
 * the same table names: deploys, status, rollbacks, restores and histories of one never touch
 * the other.
 */
describe('ventures sharing one PostgreSQL database', () => {
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  let output: string[];
  let stdout: string[];
  const saved = { ...process.env };

  // billing names its schema in its URL, as Prisma users do; ledger shares one URL and names its schema by option.
  const where = (venture: Venture) =>
    venture === 'billing' ? { urlEnv: 'BILLING_DATABASE_URL' } : { urlEnv: 'SHARED_DATABASE_URL', schema: '{projectName}' };
  const ventureUrl = (venture: Venture) => `${database.url}?schema=${venture}`;
  const context = (venture: Venture, targetName: string) => ({ ...executorContext(workspace.dir, venture, `apps/${venture}`), targetName });
  const deploy = (venture: Venture, options: Record<string, unknown> = {}) =>
    migrateDeployExecutor({ ...where(venture), lockTimeout: 30, ...options }, context(venture, 'migrate-deploy'));
  const rollback = (venture: Venture, options: Record<string, unknown>) =>
    migrateRollbackExecutor({ ...where(venture), lockTimeout: 30, yes: true, ...options }, context(venture, 'migrate-rollback'));
  const status = async (venture: Venture): Promise<StatusReport> => {
    stdout.length = 0;
    expect(await migrateStatusExecutor({ ...where(venture), json: true }, context(venture, 'migrate-status'))).toEqual({ success: true });
    return JSON.parse(stdout.join(''));
  };
  const states = (report: StatusReport) => report.migrations.map((migration) => migration.state);
  const sql = <T = Record<string, unknown>>(text: string) => serverRows<T>(database.url, text);
  const state = (venture: Venture) => serverState(ventureUrl(venture));
  const applied = async (venture: Venture) =>
    (
      await sql<{ name: string }>(
        `SELECT migration_name AS name FROM "${venture}"._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`,
      )
    ).map((row) => row.name);
  const addRows = (venture: Venture, customers: number) =>
    sql(
      `INSERT INTO "${venture}"."Customer" ("email", "name") SELECT '${venture}' || g || '@example.com', 'C' || g FROM generate_series(1, ${customers}) g`,
    );

  beforeEach(async () => {
    workspace = temporaryDir('forge-shared-');
    for (const venture of VENTURES)
      cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps', venture), { recursive: true });
    database = await createServerDatabase('shared');
    process.env['BILLING_DATABASE_URL'] = ventureUrl('billing');
    process.env['SHARED_DATABASE_URL'] = database.url;
    output = [];
    stdout = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  it('deploys both at once into their own schemas, each up to date with no drift and a history of its own', async () => {
    expect(await Promise.all(VENTURES.map((venture) => deploy(venture)))).toEqual([{ success: true }, { success: true }]);

    // The same migrations give the same schema, whichever schema holds it.
    const objects = async (venture: Venture) => JSON.stringify((await state(venture)).schema.objects).replaceAll(venture, 'VENTURE');
    expect(await objects('ledger')).toEqual(await objects('billing'));
    expect(await objects('billing')).toContain('table VENTURE.\\"Invoice\\"');
    for (const venture of VENTURES) {
      expect(await applied(venture)).toHaveLength(5);
      const report = await status(venture);
      expect(report).toMatchObject({
        ok: true,
        unknownApplied: [],
        drift: { checked: true, clean: true },
        lastRun: { event: 'deploy: deploy_finished' },
      });
      expect(states(report)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    }
    expect(await sql("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
    expect(output.join('\n')).not.toContain(decodeURIComponent(new URL(database.url).password));
    const scopes = await sql<{ scope: string; runs: number }>(
      'SELECT scope, count(DISTINCT run_id)::int AS runs FROM forge_migrations.events GROUP BY scope ORDER BY scope',
    );
    expect(scopes).toEqual([
      { scope: 'billing', runs: 1 },
      { scope: 'ledger', runs: 1 },
    ]);
    expect(await deploy('ledger')).toEqual({ success: true });
    expect(output.join('\n')).toMatch(/migrate-deploy ledger: up-to-date/);
  });

  it('a rollback of one venture leaves the other schema and its rows as they were', async () => {
    for (const venture of VENTURES) expect(await deploy(venture)).toEqual({ success: true });
    await addRows('billing', 20);
    await addRows('ledger', 30);
    const ledgerBefore = await state('ledger');

    expect(await rollback('billing', { steps: 1 })).toEqual({ success: true });

    expect(await applied('billing')).not.toContain(LAST);
    expect(await applied('ledger')).toContain(LAST);
    expect(await state('ledger')).toEqual(ledgerBefore);
    const ledger = await status('ledger');
    expect(states(ledger)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(ledger.lastRun).toMatchObject({ event: 'deploy: deploy_finished' });
    const billing = await status('billing');
    expect(states(billing)).toEqual(['applied', 'applied', 'applied', 'applied', 'rolled back']);
    expect(billing.lastRun).toMatchObject({ event: 'rollback: rollback_finished' });
  });

  it('a failed deploy restored from its backup puts back its own schema only', async () => {
    expect(await deploy('ledger')).toEqual({ success: true });
    await addRows('ledger', 30);
    const ledgerBefore = await state('ledger');
    // billing's history with its last migration broken and the one before without a down: the deploy must restore its backup.
    const migrations = path.join(workspace.dir, 'apps/billing/prisma/migrations');
    rmSync(path.join(migrations, '20240402100000_rename_amount_to_total', 'down.sql'));
    writeFileSync(path.join(migrations, LAST, 'migration.sql'), 'SELECT 1 / 0;\n');

    expect(await deploy('billing')).toEqual({ success: false });

    expect(output.join('\n')).toMatch(/restor/i);
    expect(await sql("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'billing'")).toEqual([{ n: 0 }]);
    expect(await state('ledger')).toEqual(ledgerBefore);
    expect(await applied('ledger')).toHaveLength(5);
  });

  it('refuses to deploy a venture owning the whole database into one that ventures share: its backup and restore would take their schemas', async () => {
    expect(await deploy('ledger')).toEqual({ success: true });
    await addRows('ledger', 30);
    const before = await state('ledger');
    const ledgerEvents = () => sql("SELECT count(*)::int AS n FROM forge_migrations.events WHERE scope = 'ledger'");
    const events = await ledgerEvents();
    process.env['BILLING_DATABASE_URL'] = database.url;

    expect(await deploy('billing')).toEqual({ success: false });

    expect(output.join('\n')).toMatch(
      /shared with the ventures in the schemas ledger: [^]*nothing was done[^]*\?schema=<name> in BILLING_DATABASE_URL/,
    );
    expect(await sql("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
    expect(await ledgerEvents()).toEqual(events);
    // The refusal is in billing's own history.
    expect(
      (await sql<{ kind: string }>("SELECT kind FROM forge_migrations.events WHERE scope = '' ORDER BY id")).map((row) => row.kind).pop(),
    ).toBe('deploy_failed');
    expect(await state('ledger')).toEqual(before);
  });

  it('refuses a schema name that is not a plain identifier, naming the variable, and creates nothing', async () => {
    process.env['BILLING_DATABASE_URL'] = `${database.url}?schema=${encodeURIComponent('bad"; DROP SCHEMA ledger; --')}`;
    expect(await deploy('billing')).toEqual({ success: false });
    expect(output.join('\n')).toContain('BILLING_DATABASE_URL');
    expect(output.join('\n')).not.toContain(decodeURIComponent(new URL(database.url).password));
    expect(
      await sql(
        "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema')",
      ),
    ).toEqual([{ n: 0 }]);
  });
});
