import { logger } from '@nx/devkit';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { executorContext } from '../../test-support/executor-context';
import { testServerUrl } from '../../test-support/databases';
import migrateTestExecutor from './executor';

const MIGRATIONS = 'venture/prisma/migrations';

describe('migrate-test executor', () => {
  let workspace: TemporaryProject;
  let output: string[];
  const savedUrl = process.env['TEST_DATABASE_URL'];

  beforeEach(() => {
    workspace = temporaryDir('forge-workspace-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'venture'), { recursive: true });
    output = [];
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    }
  });
  afterEach(() => {
    jest.restoreAllMocks();
    workspace.remove();
    if (savedUrl === undefined) delete process.env['TEST_DATABASE_URL'];
    else process.env['TEST_DATABASE_URL'] = savedUrl;
  });

  const run = (project: string, options: Record<string, unknown> = {}) =>
    migrateTestExecutor(
      { reportFile: 'reports/{projectRoot}/report.json', junitFile: 'reports/{projectRoot}/junit.xml', ...options },
      executorContext(workspace.dir, project, 'venture'),
    );
  const report = () => JSON.parse(readFileSync(path.join(workspace.dir, 'reports/venture/report.json'), 'utf8'));
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(workspace.dir, file)), { recursive: true });
    writeFileSync(path.join(workspace.dir, file), content);
  };

  async function leftoverDatabases(label: string): Promise<string[]> {
    const client = new pg.Client(testServerUrl());
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `forge_${label}_%`,
      ]);
      return rows.map((row) => row.datname);
    } finally {
      await client.end();
    }
  }

  it('passes on the embedded database and writes the JSON and JUnit reports', async () => {
    delete process.env['TEST_DATABASE_URL'];
    await expect(run('billing')).resolves.toEqual({ success: true });
    const json = report();
    expect(json).toMatchObject({ ok: true, engine: 'pglite', idempotent: true, drift: { clean: true, sql: '' }, errors: [] });
    expect(json.migrations[0]).toMatchObject({ name: '20240101090000_init', applied: true, down: 'verified' });
    expect(typeof json.migrations[0].ms).toBe('number');
    expect(readFileSync(path.join(workspace.dir, 'reports/venture/junit.xml'), 'utf8')).toContain('<testsuite name="billing (pglite)"');
    expect(output).toContain('PASS billing (' + json.durationMs + ' ms)');
    // Where the time went, from the start of the process; the proof's phases add up to its duration.
    const phases: Array<{ phase: string; ms: number }> = json.phases;
    expect(phases.map(({ phase }) => phase)).toEqual([
      'start-up',
      'read history',
      'find proven prefix',
      'start database',
      'prove migrations',
      'keep prefix',
      'idempotency and drift',
    ]);
    expect(phases.every(({ ms }) => ms >= 0)).toBe(true);
    const proof = phases.filter(({ phase }) => ['prove migrations', 'keep prefix', 'idempotency and drift'].includes(phase));
    expect(Math.abs(proof.reduce((sum, { ms }) => sum + ms, 0) - json.durationMs)).toBeLessThanOrEqual(25);
    expect(output).toContainEqual(expect.stringMatching(/^time: start-up \d+\.\d s · read history/));
  });

  it('runs on PostgreSQL when TEST_DATABASE_URL is set, never prints it, and drops its database', async () => {
    const url = testServerUrl();
    await expect(run('executor_pg')).resolves.toEqual({ success: true });
    expect(report().engine).toBe('postgresql');
    const password = new URL(url).password;
    expect(password.length).toBeGreaterThan(4);
    expect(output.join('\n')).not.toContain(password);
    expect(readFileSync(path.join(workspace.dir, 'reports/venture/report.json'), 'utf8')).not.toContain(password);
    expect(await leftoverDatabases('executor_pg')).toEqual([]);
  });

  it('names the failing statement of a SQL syntax error, fails, and leaves no database behind', async () => {
    write(`${MIGRATIONS}/20240501000000_broken/migration.sql`, '-- AlterTable\nALTER TABLE "Customer" ADD COLUMN "vip" BOOLEN;\n');
    await expect(run('executor_syntax')).resolves.toEqual({ success: false });
    const json = report();
    expect(json.ok).toBe(false);
    expect(json.errors).toEqual([
      {
        migration: '20240501000000_broken',
        message: expect.stringMatching(/^ERROR: type "boolen" does not exist/),
        statement: 'statement 1, line 2: ALTER TABLE "Customer" ADD COLUMN "vip" BOOLEN',
      },
    ]);
    expect(output.join('\n')).toMatch(/✗ 20240501000000_broken: ERROR: type "boolen" does not exist[\s\S]*failing statement 1, line 2/);
    expect(await leftoverDatabases('executor_syntax')).toEqual([]);
  });

  it('reports a parse error with its line even before PostgreSQL sees it', async () => {
    delete process.env['TEST_DATABASE_URL'];
    write(`${MIGRATIONS}/20240501000000_broken/migration.sql`, 'CREATE TABLE "Coupon" (\n  "code" TEXT PRIMARY KEY,\n);\n');
    await expect(run('billing')).resolves.toEqual({ success: false });
    expect(report().errors[0]).toMatchObject({
      migration: '20240501000000_broken',
      message: expect.stringMatching(/syntax error at or near "\)"/),
      statement: 'at line 3: );',
    });
  });

  it('fails with one clear line when the project has no schema', async () => {
    rmSync(path.join(workspace.dir, 'venture/prisma/schema.prisma'));
    await expect(run('billing')).resolves.toEqual({ success: false });
    expect(output).toEqual([
      expect.stringMatching(
        /^migrate-test billing: No Prisma schema in .*venture \(looked for prisma\.config\.ts[^\n]*\n {2}hint: Create prisma\/schema\.prisma/,
      ),
    ]);
    expect(report()).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/^No Prisma schema/) }] });
  });

  it('names a migration folder it cannot read', async () => {
    mkdirSync(path.join(workspace.dir, `${MIGRATIONS}/20240501000000_empty`));
    await expect(run('billing')).resolves.toEqual({ success: false });
    expect(output[0]).toMatch(/Migration folder ".*20240501000000_empty" has no migration\.sql\.\n {2}hint: /);
  });

  it('refuses an unreachable TEST_DATABASE_URL without printing its password', async () => {
    process.env['TEST_DATABASE_URL'] = 'postgresql://deploy:hunter2secret@127.0.0.1:1/app';
    await expect(run('billing')).resolves.toEqual({ success: false });
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/Cannot reach the PostgreSQL server at 127\.0\.0\.1:1\/app \(TEST_DATABASE_URL\): .*ECONNREFUSED/);
    expect(output[0]).toMatch(/hint: Start the server or correct TEST_DATABASE_URL; unset it to use the embedded database/);
    expect(output.join('\n')).not.toContain('hunter2secret');
    expect(existsSync(path.join(workspace.dir, 'reports/venture/report.json'))).toBe(true);
  });
});
