import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseEngine } from '../../adapters/db/database';
import { copyFixture, REPO_ROOT, type TemporaryProject } from '../../test-support/fixtures';
import { DATABASE_ENGINES, testServerUrl } from '../../test-support/databases';
import { testProject } from '../test';

const MIGRATIONS = 'prisma/migrations';

function run(engine: DatabaseEngine, project: TemporaryProject, options: { allowDrift?: boolean; strictData?: boolean } = {}) {
  return testProject({
    project: path.basename(project.dir),
    projectRoot: project.dir,
    workspaceRoot: REPO_ROOT,
    url: engine === 'postgresql' ? testServerUrl() : undefined,
    urlSource: 'TEST_DATABASE_URL',
    allowDrift: options.allowDrift ?? false,
    strictData: options.strictData,
  });
}

function write(project: TemporaryProject, file: string, content: string) {
  mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
  writeFileSync(path.join(project.dir, file), content);
}

describe.each(DATABASE_ENGINES)('migrate-test on %s', (engine) => {
  let project: TemporaryProject;
  beforeEach(() => {
    project = copyFixture('billing', 'examples');
  });
  afterEach(() => project.remove());

  it('passes the example: every migration applied, every down verified, rows intact, idempotent, no drift', async () => {
    const report = await run(engine, project);
    expect(report).toMatchObject({ ok: true, engine, idempotent: true, drift: { clean: true, sql: '' }, errors: [] });
    expect(report.migrations.map((m) => [m.name, m.applied, m.down])).toEqual([
      ['20240101090000_init', true, 'verified'],
      ['20240215120000_add_customer_preferences', true, 'verified'],
      ['20240310083000_invoice_currency', true, 'verified'],
      ['20240402100000_rename_amount_to_total', true, 'verified'],
      ['20240415090000_invoice_audit_trigger', true, 'verified'],
    ]);
    const rename = report.migrations[3];
    // Only the tables a migration can change are compared: the rename touches Invoice alone.
    expect(rename.integrity.tablesWithRows).toEqual(['public.Invoice']);
    expect(rename.integrity.rowsChecked).toBeGreaterThanOrEqual(2);
    expect(rename.integrity.violations).toEqual([]);
  });

  it('proves a down script wrong by naming what it fails to restore', async () => {
    const init = `${MIGRATIONS}/20240101090000_init/down.sql`;
    write(
      project,
      init,
      'ALTER TABLE "Invoice" DROP CONSTRAINT "Invoice_customerId_fkey";\nDROP TABLE "Invoice";\nDROP TABLE "Customer";\n',
    );
    const report = await run(engine, project);
    expect(report.ok).toBe(false);
    expect(report.migrations[0].down).toBe('failed');
    expect(report.migrations[0].downDetails).toContain('after down.sql: + enum public."InvoiceStatus" (not there before)');
    expect(report.errors).toEqual([
      expect.objectContaining({ migration: '20240101090000_init', message: expect.stringMatching(/could not be restored/) }),
    ]);
    expect(report.migrations.slice(1).every((m) => !m.applied)).toBe(true);
  });

  it("proves a drop's down with its data: the archive's values back, every row as before; a down that loses them fails", async () => {
    const drop = `${MIGRATIONS}/20240501000000_drop_preferences`;
    write(project, `${drop}/migration.sql`, 'ALTER TABLE "Customer" DROP COLUMN "preferences";\n');
    write(project, `${drop}/down.sql`, 'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\n');
    const report = await run(engine, project, { allowDrift: true });
    expect(report.migrations.at(-1)).toMatchObject({ name: '20240501000000_drop_preferences', applied: true, down: 'verified' });

    write(
      project,
      `${drop}/down.sql`,
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\nUPDATE "Customer" SET "preferences" = NULL;\n',
    );
    const lossy = await run(engine, project, { allowDrift: true });
    expect(lossy.migrations.at(-1)).toMatchObject({ down: 'failed' });
    expect(lossy.migrations.at(-1)!.downDetails).toEqual([
      expect.stringMatching(
        /^after down\.sql: \d+ values of "public"\."Customer"\.preferences restored from the archive: 0 not back, \d+ different/,
      ),
    ]);
  });

  it('proves the other direction: what a down drops (values written since) comes back when the migration is applied again', async () => {
    const add = `${MIGRATIONS}/20240501000000_add_customer_token`;
    // Applied again, the migration would make new tokens: only the archive of the down gives the old ones back.
    write(project, `${add}/migration.sql`, 'ALTER TABLE "Customer" ADD COLUMN "token" UUID NOT NULL DEFAULT gen_random_uuid();\n');
    write(project, `${add}/down.sql`, 'ALTER TABLE "Customer" DROP COLUMN "token";\n');
    const report = await run(engine, project, { allowDrift: true });
    expect(report.migrations.at(-1)).toMatchObject({ name: '20240501000000_add_customer_token', applied: true, down: 'verified' });
    expect(report.migrations.at(-1)!.restored).toEqual([
      expect.stringMatching(/^[1-9]\d* values of "public"\."Customer"\.token restored from the archive: every one checked$/),
    ]);
  });

  it('reports a down script that errors, and goes on from the intact schema', async () => {
    write(
      project,
      `${MIGRATIONS}/20240215120000_add_customer_preferences/down.sql`,
      'ALTER TABLE "Customer" DROP COLUMN "no_such_column";\n',
    );
    const report = await run(engine, project);
    expect(report.migrations[1].down).toBe('failed');
    expect(report.migrations[1].downDetails[0]).toMatch(/column "no_such_column" of relation "Customer" does not exist/);
    expect(report.migrations.every((m) => m.applied)).toBe(true);
    expect(report.migrations.filter((m) => m.down === 'verified')).toHaveLength(4);
    expect(report.ok).toBe(false);
  });

  it('reports missing and irreversible downs without failing on them', async () => {
    rmSync(path.join(project.dir, `${MIGRATIONS}/20240215120000_add_customer_preferences/down.sql`));
    write(
      project,
      `${MIGRATIONS}/20240310083000_invoice_currency/down.sql`,
      '-- forge:irreversible: the currencies set by the data step cannot be told apart\n',
    );
    const report = await run(engine, project);
    expect(report.ok).toBe(true);
    expect(report.migrations[1].down).toBe('missing');
    expect(report.migrations[2]).toMatchObject({
      down: 'irreversible',
      downDetails: ['the currencies set by the data step cannot be told apart'],
    });
  });

  it('reports the findings of each migration; on PostgreSQL with the lock it was seen to take', async () => {
    write(
      project,
      `${MIGRATIONS}/20240501000000_status_index/migration.sql`,
      'CREATE INDEX "Invoice_status_idx" ON "Invoice"("status");\nSELECT pg_sleep(0.15);\n',
    );
    write(project, `${MIGRATIONS}/20240501000000_status_index/down.sql`, 'DROP INDEX "Invoice_status_idx";\n');
    const report = await run(engine, project, { allowDrift: true });
    const migration = report.migrations[report.migrations.length - 1];
    const lk101 = migration.findings.find((finding) => finding.code === 'LK101');
    expect(lk101).toMatchObject({ table: 'Invoice', line: 1 });
    if (engine === 'postgresql') {
      expect(lk101?.evidence).toMatch(/^observed: ShareLock on public."Invoice" for ~\d+ ms \(blocks writes, not reads\)$/);
      expect(migration.locks).toEqual([expect.objectContaining({ table: 'public."Invoice"', mode: 'ShareLock' })]);
    } else {
      expect(lk101?.evidence).toBeUndefined();
      expect(migration.locks).toBeUndefined();
    }
  });

  it('catches the data Prisma\'s drop-and-add "rename" would lose: it applies only to an empty table', async () => {
    write(
      project,
      `${MIGRATIONS}/20240402100000_rename_amount_to_total/migration.sql`,
      'ALTER TABLE "Invoice" DROP COLUMN "amountCents",\nADD COLUMN     "totalCents" INTEGER NOT NULL;\n',
    );
    const lenient = await run(engine, project);
    expect(lenient.migrations[3].dataDependent).toEqual([
      expect.objectContaining({
        code: 'DD102',
        need: 'adds NOT NULL Invoice.totalCents without a default: fails unless Invoice is empty: add a default or backfill first',
      }),
    ]);
    const report = await run(engine, project, { strictData: true });
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatchObject({
      migration: '20240402100000_rename_amount_to_total',
      message: expect.stringMatching(
        /^ERROR: column "totalCents" of relation "Invoice" contains null values \(its tables held representative rows\)/,
      ),
      statement: expect.stringMatching(/^statement 1, line 1: ALTER TABLE "Invoice" DROP COLUMN "amountCents"/),
    });
  });

  it('reports values lost when a column is dropped and added again, as what the migration says it does', async () => {
    write(
      project,
      `${MIGRATIONS}/20240215120000_add_customer_preferences/migration.sql`,
      'ALTER TABLE "Customer" ADD COLUMN "preferences" JSONB;\nALTER TABLE "Customer" DROP COLUMN "name", ADD COLUMN "name" TEXT NOT NULL DEFAULT \'\';\n',
    );
    rmSync(path.join(project.dir, `${MIGRATIONS}/20240215120000_add_customer_preferences/down.sql`));
    const report = await run(engine, project, { allowDrift: true });
    expect(report.migrations[1].integrity.lostValues).toEqual([
      expect.stringMatching(/^column public\.Customer\.name is dropped and added again: 1 value\(s\) are lost/),
    ]);
    expect(report.migrations[1].integrity.violations).toEqual([]);
    expect(report.migrations[1].findings.map((finding) => finding.code)).toContain('DS102');
    expect(report.ok).toBe(true);
  });

  it('names the failing statement of an error found while executing (no position from PostgreSQL)', async () => {
    write(
      project,
      `${MIGRATIONS}/20240501000000_dedupe_emails/migration.sql`,
      '-- Data\nUPDATE "Invoice" SET "currency" = \'EUR\';\nUPDATE "Customer" SET "email" = \'same@example.com\';\n',
    );
    const report = await run(engine, project, { allowDrift: true, strictData: true });
    expect(report.errors).toEqual([
      {
        migration: '20240501000000_dedupe_emails',
        message: expect.stringMatching(
          /^ERROR: duplicate key value violates unique constraint "Customer_email_key"\nDETAIL: Key \(email\)=\(same@example\.com\) already exists/,
        ),
        statement: `statement 2, line 3: UPDATE "Customer" SET "email" = 'same@example.com'`,
      },
    ]);
  });

  it("lists tables it could not fill, with the reason, and runs a venture's seed.sql", async () => {
    write(
      project,
      `${MIGRATIONS}/20240501000000_coupons/migration.sql`,
      'CREATE TABLE "Coupon" ("code" TEXT PRIMARY KEY CHECK ("code" ~ \'^[A-Z]{4}-[0-9]{4}$\'));\n',
    );
    write(project, `${MIGRATIONS}/20240501000000_coupons/seed.sql`, 'INSERT INTO "Coupon" VALUES (\'SAVE-2024\');\n');
    write(project, `${MIGRATIONS}/20240502000000_coupon_note/migration.sql`, 'ALTER TABLE "Coupon" ADD COLUMN "note" TEXT;\n');
    const report = await run(engine, project, { allowDrift: true });
    const last = report.migrations[6];
    expect(last.integrity.unfilledTables).toEqual([
      { table: 'public.Coupon', reason: expect.stringMatching(/violates check constraint "Coupon_code_check"/) },
    ]);
    expect(last.integrity.rowsChecked).toBeGreaterThan(report.migrations[5].integrity.rowsChecked);
    expect(report.errors).toEqual([]);
    expect(report.drift.clean).toBe(false);
    expect(report.ok).toBe(true);
  });

  it('tolerates a Prisma 6 schema (URLs in the datasource, retired preview features) with warnings, and folder names with spaces', async () => {
    const schemaFile = path.join(project.dir, 'prisma/schema.prisma');
    const schema = readFileSync(schemaFile, 'utf8')
      .replace(
        '  provider = "prisma-client"',
        '  provider        = "prisma-client-js"\n  previewFeatures = ["fullTextSearch", "interactiveTransactions"]',
      )
      .replace(
        'datasource db {\n  provider = "postgresql"\n}',
        'datasource db {\n  provider  = "postgresql"\n  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}',
      );
    writeFileSync(schemaFile, schema);
    const migrations = path.join(project.dir, MIGRATIONS);
    renameSync(
      path.join(migrations, '20240215120000_add_customer_preferences'),
      path.join(migrations, '20240215120000_add customer preferences'),
    );
    const report = await run(engine, project);
    expect(report.ok).toBe(true);
    expect(report.migrations[1]).toMatchObject({ name: '20240215120000_add customer preferences', applied: true, down: 'verified' });
    expect(report.warnings).toEqual([
      expect.stringMatching(
        /^prisma\/schema\.prisma:3: preview features "fullTextSearch", "interactiveTransactions" are not known to Prisma 7 and ignored\.$/,
      ),
      expect.stringMatching(/^prisma\/schema\.prisma:9: datasource property `url` is ignored/),
      expect.stringMatching(/^prisma\/schema\.prisma:10: datasource property `directUrl` is ignored/),
    ]);
  });

  it('tests the umami history: 19 migrations apply, drift is exactly the missing index', async () => {
    const umami = copyFixture('umami');
    try {
      const report = await run(engine, umami);
      expect(report.migrations).toHaveLength(19);
      expect(report.migrations.every((m) => m.applied && m.integrity.violations.length === 0)).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.idempotent).toBe(true);
      expect(report.drift.sql.trim()).toBe('-- CreateIndex\nCREATE INDEX "session_replay_visit_id_idx" ON "session_replay"("visit_id");');
      expect(report.ok).toBe(false);
      const allowed = await run(engine, umami, { allowDrift: true });
      expect(allowed.ok).toBe(true);
    } finally {
      umami.remove();
    }
  });
});
