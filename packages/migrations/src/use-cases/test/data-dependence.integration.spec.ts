import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseEngine } from '../../adapters/db/database';
import { copyFixture, REPO_ROOT, type TemporaryProject } from '../../test-support/fixtures';
import { DATABASE_ENGINES, testServerUrl } from '../../test-support/databases';
import { testProject } from '../test';

const MIGRATIONS = 'prisma/migrations';

function run(engine: DatabaseEngine, project: TemporaryProject, options: { strictData?: boolean } = {}) {
  return testProject({
    project: path.basename(project.dir),
    projectRoot: project.dir,
    workspaceRoot: REPO_ROOT,
    url: engine === 'postgresql' ? testServerUrl() : undefined,
    urlSource: 'TEST_DATABASE_URL',
    allowDrift: true,
    strictData: options.strictData,
  });
}

function migration(project: TemporaryProject, name: string, sql: string) {
  const dir = path.join(project.dir, MIGRATIONS, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), sql);
}

const byName = (report: Awaited<ReturnType<typeof run>>, name: string) => report.migrations.find((result) => result.name === name)!;

describe.each(DATABASE_ENGINES)('migrate-test with data-dependent migrations, on %s', (engine) => {
  let project: TemporaryProject;
  beforeEach(() => {
    project = copyFixture('billing', 'examples');
  });
  afterEach(() => project.remove());

  it('applies a required column added without a default again without the representative rows, and reports what production needs', async () => {
    migration(project, '20240501000000_customer_tier', 'ALTER TABLE "Customer" ADD COLUMN "tier" TEXT NOT NULL;\n');
    migration(project, '20240502000000_invoice_note', 'ALTER TABLE "Invoice" ADD COLUMN "note" TEXT;\n');
    const report = await run(engine, project);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    const tier = byName(report, '20240501000000_customer_tier');
    expect(tier.applied).toBe(true);
    expect(tier.dataDependent).toEqual([
      {
        code: 'DD102',
        sqlstate: '23502',
        statement: 'statement 1, line 1: ALTER TABLE "Customer" ADD COLUMN "tier" TEXT NOT NULL',
        table: 'public.Customer',
        error: expect.stringMatching(/column "tier" of relation "Customer" contains null values/),
        need: 'adds NOT NULL Customer.tier without a default: fails unless Customer is empty: add a default or backfill first',
        rowsRemoved: [{ table: 'public.Customer', rows: expect.any(Number) }],
      },
    ]);
    expect(tier.integrity.violations).toEqual([]);
    // The next migration runs on fresh rows again, and checks them.
    const note = byName(report, '20240502000000_invoice_note');
    expect(note.dataDependent).toEqual([]);
    expect(note.integrity.tablesWithRows).toEqual(['public.Customer', 'public.Invoice']);
  });

  it('with strictData, fails on the representative rows as before', async () => {
    migration(project, '20240501000000_customer_tier', 'ALTER TABLE "Customer" ADD COLUMN "tier" TEXT NOT NULL;\n');
    const report = await run(engine, project, { strictData: true });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({
        migration: '20240501000000_customer_tier',
        message: expect.stringMatching(/contains null values \(its tables held representative rows\)$/),
      }),
    ]);
  });

  it('reports a column filled from another table and then made required as data-dependent', async () => {
    migration(
      project,
      '20240501000000_invoice_email',
      'ALTER TABLE "Invoice" ADD COLUMN "billingEmail" TEXT;\n' +
        ('UPDATE "Invoice" SET "billingEmail" = (SELECT "email" FROM "Customer" WHERE "Customer"."id" = ' +
          '"Invoice"."customerId" AND "Customer"."name" = \'never\');\n') +
        'ALTER TABLE "Invoice" ALTER COLUMN "billingEmail" SET NOT NULL;\n',
    );
    const report = await run(engine, project);
    expect(report.ok).toBe(true);
    expect(byName(report, '20240501000000_invoice_email').dataDependent).toEqual([
      expect.objectContaining({
        code: 'DD102',
        table: 'public.Invoice',
        statement: expect.stringMatching(/^statement 3, line 3: ALTER TABLE "Invoice" ALTER COLUMN "billingEmail" SET NOT NULL/),
      }),
    ]);
  });

  it('seeds a column that a later migration gives a foreign key with a value the referenced table holds', async () => {
    migration(project, '20240501000000_referrer', 'ALTER TABLE "Customer" ADD COLUMN "referrerEmail" TEXT;\n');
    migration(
      project,
      '20240502000000_referrer_fk',
      'ALTER TABLE "Customer" ADD CONSTRAINT "Customer_referrerEmail_fkey" FOREIGN KEY ("referrerEmail") REFERENCES "Customer"("email");\n',
    );
    const report = await run(engine, project);
    expect(report.ok).toBe(true);
    const foreignKey = byName(report, '20240502000000_referrer_fk');
    expect(foreignKey.dataDependent).toEqual([]);
    expect(foreignKey.findings.map((finding) => finding.code)).toContain('DD104');
    expect(foreignKey.integrity.rowsChecked).toBeGreaterThan(0);
  });

  it('retries a unique index built CONCURRENTLY over colliding values from the batch that failed', async () => {
    migration(project, '20240501000000_region', 'ALTER TABLE "Customer" ADD COLUMN "region" TEXT NOT NULL DEFAULT \'eu\';\n');
    // IF NOT EXISTS: the failed build leaves an invalid index, which a replay would take for done.
    migration(
      project,
      '20240502000000_region_unique',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Customer_region_key" ON "Customer"("region");\n',
    );
    const report = await run(engine, project);
    expect(report.errors).toEqual([]);
    expect(report.idempotent).toBe(true);
    expect(byName(report, '20240502000000_region_unique').dataDependent).toEqual([
      expect.objectContaining({
        code: 'DD101',
        sqlstate: '23505',
        table: 'public.Customer',
        statement: 'statement 1, line 1: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Customer_region_key" ON "Customer"("region")',
        need: expect.stringMatching(/requires the existing rows of Customer to be unique: remove duplicates first/),
      }),
    ]);
    expect(report.ok).toBe(true);
  });

  it('still fails a migration that fails on an empty database, with its own error', async () => {
    migration(project, '20240501000000_broken', 'ALTER TABLE "Customer" ADD COLUMN "x" NO_SUCH_TYPE;\n');
    const report = await run(engine, project);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      {
        migration: '20240501000000_broken',
        message: 'ERROR: type "no_such_type" does not exist',
        statement: expect.stringMatching(/NO_SUCH_TYPE/),
      },
    ]);
    expect(byName(report, '20240501000000_broken').applied).toBe(false);
  });
});
