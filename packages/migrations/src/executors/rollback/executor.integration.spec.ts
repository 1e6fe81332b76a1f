import { logger } from '@nx/devkit';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { schemaVersions } from '../../core/schema-version';
import { loadSqlParser } from '../../core/sql/parser';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { newestReport } from '../../test-support/reports';
import { seedBillingDatabase, serverRows, serverState } from '../../test-support/server-queries';
import migrateDeployExecutor from '../deploy/executor';
import migrateTestExecutor from '../test/executor';
import migrateRollbackExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';
const LATER = ['20240310083000_invoice_currency', '20240402100000_rename_amount_to_total', '20240415090000_invoice_audit_trigger'];
const CHILD = path.join(__dirname, '../../test-support/executor-child.ts');

/** migrate-rollback on a real PostgreSQL 15 holding data, after a deploy of three migrations. */
describe('migrate-rollback on PostgreSQL', () => {
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  let output: string[];
  let beforeDeploy: Awaited<ReturnType<typeof serverState>>;
  let deployBackup: string;
  const saved = { ...process.env };
  const context = () => executorContext(workspace.dir, 'billing', 'apps/billing');
  const rollback = (options: Record<string, unknown>) => migrateRollbackExecutor({ lockTimeout: 5, ...options }, context());

  const sql = <T = Record<string, unknown>>(text: string) => serverRows<T>(database.url, text);
  const state = () => serverState(database.url);
  const applied = async () =>
    (
      await sql<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
      )
    ).map((row) => row.migration_name);
  const rollbackEvents = async () =>
    (
      await sql<{ kind: string; migrations: string[] }>(
        'SELECT kind, migrations FROM forge_migrations.events WHERE run_id <> (SELECT run_id FROM ' +
          "forge_migrations.events WHERE kind = 'deploy_started' ORDER BY id LIMIT 1) ORDER BY id",
      )
    ).map((event) => [event.kind, event.migrations]);
  const latestReport = () => newestReport(path.join(workspace.dir, 'reports/migrate-rollback/apps/billing'));

  beforeEach(async () => {
    workspace = temporaryDir('forge-rollback-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    database = await createServerDatabase('rollback');
    process.env['DATABASE_URL'] = database.url;
    output = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    await seedBillingDatabase(database.url, path.join(workspace.dir, MIGRATIONS), LATER);
    beforeDeploy = await state();
    expect(await migrateDeployExecutor({ lockTimeout: 5 }, context())).toEqual({ success: true });
    const deployReports = path.join(workspace.dir, 'reports/migrate-deploy/apps/billing');
    const report = JSON.parse(
      readFileSync(
        path.join(
          deployReports,
          readdirSync(deployReports).find((name) => name.endsWith('.json'))!,
        ),
        'utf8',
      ),
    );
    deployBackup = report.backup.file;
    output.length = 0;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  it('refuses without --yes when it cannot ask, after showing the impact; nothing changes', async () => {
    const before = await state();
    expect(await rollback({ steps: 2 })).toEqual({ success: false });
    const printed = output.join('\n');
    expect(printed).toMatch(/Rollback of .* \(default\) from schema version \d+\.\d+\.\d+ to \d+\.\d+\.\d+: 2 migrations, newest first/);
    expect(printed).toMatch(
      new RegExp(`- ${LATER[2]} \\(version \\d+\\.\\d+\\.\\d+\\): down\\.sql; not verified: no migrate-test report covers it`),
    );
    expect(printed).toMatch(/there is no terminal to ask: nothing was rolled back/);
    expect(latestReport()).toMatchObject({ command: 'migrate-rollback', ok: false, status: 'refused' });
    expect(await state()).toEqual(before);
    expect(await rollbackEvents()).toEqual([]);
  });

  it('tells which downs migrate-test verified, and which changed since', async () => {
    delete process.env['TEST_DATABASE_URL'];
    expect(await migrateTestExecutor({ reportFile: 'reports/migrate-test/apps/billing/report.json' }, context())).toEqual({
      success: true,
    });
    writeFileSync(
      path.join(workspace.dir, MIGRATIONS, LATER[1], 'down.sql'),
      `-- reviewed\n${readFileSync(path.join(workspace.dir, MIGRATIONS, LATER[1], 'down.sql'), 'utf8')}`,
    );
    output.length = 0;
    expect(await rollback({ steps: 2 })).toEqual({ success: false });
    const printed = output.join('\n');
    expect(printed).toMatch(new RegExp(`- ${LATER[2]} .*: down\\.sql; verified by migrate-test on pglite`));
    expect(printed).toMatch(new RegExp(`- ${LATER[1]} .*: down\\.sql; not verified: down\\.sql changed since migrate-test ran`));
  });

  it('--steps 1 rolls back the latest migration by its down: backup with its checksum file, events, and a later deploy applies it again', async () => {
    expect(await rollback({ yes: true })).toEqual({ success: true });
    expect(await applied()).not.toContain(LATER[2]);
    expect(await sql("SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'Invoice_status_guard'")).toEqual([{ n: 0 }]);
    expect(await rollbackEvents()).toEqual([
      ['rollback_started', [LATER[2]]],
      ['backup_taken', []],
      ['migration_rolled_back', [LATER[2]]],
      ['rollback_finished', [LATER[2]]],
    ]);
    const report = latestReport();
    expect(report).toMatchObject({ ok: true, status: 'rolled-back', rolledBack: [LATER[2]] });
    const backup = path.join(workspace.dir, report.backup.file);
    expect(readFileSync(`${backup}.sha256`, 'utf8')).toBe(`${report.backup.sha256}  ${path.basename(backup)}\n`);

    expect(await migrateDeployExecutor({ lockTimeout: 5 }, context())).toEqual({ success: true });
    expect(await applied()).toContain(LATER[2]);
  });

  it('--to and --toVersion roll back several migrations, newest first; down to before the deploy gives every row back', async () => {
    expect(await rollback({ to: LATER[0], yes: true })).toEqual({ success: true });
    expect(latestReport().rolledBack).toEqual([LATER[2], LATER[1]]);
    expect(await sql('SELECT count(*)::int AS n FROM "Invoice" WHERE "amountCents" > 0')).toEqual([{ n: 200 }]);

    const versions = schemaVersions(await loadSqlParser(), readMigrationHistory(path.join(workspace.dir, MIGRATIONS)).migrations);
    const beforeLater = versions.find((version) => version.name === '20240215120000_add_customer_preferences')!.version;
    expect(await rollback({ toVersion: beforeLater, yes: true })).toEqual({ success: true });
    expect(output.join('\n')).toMatch(/drops column Invoice\.currency — 200 live rows with a value lost/);
    expect(latestReport()).toMatchObject({ rolledBack: [LATER[0]], version: { to: beforeLater } });
    expect(await state()).toEqual(beforeDeploy);
  });

  it('refuses a rollback it cannot do by downs, naming the backup to restore instead', async () => {
    writeFileSync(
      path.join(workspace.dir, MIGRATIONS, LATER[2], 'down.sql'),
      '-- forge:irreversible: the guard function kept audit state\n',
    );
    const before = await state();
    expect(await rollback({ yes: true })).toEqual({ success: false });
    expect(latestReport().error).toMatch(
      new RegExp(
        `${LATER[2]} cannot be undone by a down: the guard function kept audit ` +
          `state.*--fromBackup=<file> \\(the latest: ${deployBackup.replace(/[.]/g, '\\.')}`,
        's',
      ),
    );
    expect(await state()).toEqual(before);
  });

  it(
    'a down that fails halfway: that migration stays applied and whole, the earlier downs stand, ' +
      'the report names the backup to return to, the webhook is called',
    async () => {
      const hooks: string[] = [];
      const server = http.createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => void (hooks.push(body), response.end('ok')));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      process.env['MIGRATIONS_WEBHOOK_URL'] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      try {
        writeFileSync(
          path.join(workspace.dir, MIGRATIONS, LATER[1], 'down.sql'),
          'ALTER TABLE "Invoice" RENAME COLUMN "totalCents" TO "amountCents";\nSELECT 1 / 0;\n',
        );
        expect(await rollback({ steps: 2, yes: true })).toEqual({ success: false });
        const report = latestReport();
        expect(report).toMatchObject({ status: 'rollback-failed', rolledBack: [LATER[2]] });
        expect(report.error).toMatch(
          new RegExp(
            `${LATER[1]}: its down.sql failed: division by zero\n.*To return to where this rollback began: ` +
              `nx run billing:migrate-rollback --fromBackup=${report.backup.file.replace(/[.]/g, '\\.')}`,
            's',
          ),
        );
        expect(await applied()).toContain(LATER[1]);
        expect(await sql('SELECT count(*)::int AS n FROM "Invoice" WHERE "totalCents" > 0')).toEqual([{ n: 200 }]);
        expect(hooks).toHaveLength(1);
        expect(JSON.parse(hooks[0]).text).toMatch(/migrate-rollback billing \(default\) rollback-failed/);

        await rollback({ to: 'nope', yes: true });
        expect(hooks).toHaveLength(1);
      } finally {
        server.close();
      }
    },
  );

  it('refuses unclear input: two selectors, a migration that is not applied, a version that does not exist', async () => {
    for (const [options, message] of [
      [{ steps: 1, to: LATER[0] }, /--steps and --to were both given/],
      [{ to: 'nope' }, /--to=nope: there is no migration of that name/],
      [{ toVersion: '9.9.9' }, /--toVersion=9\.9\.9: no migration leaves the schema at that version/],
      [{ steps: 9 }, /--steps=9 asks for more than the 5 applied migrations/],
    ] as const) {
      expect(await rollback({ ...options, yes: true })).toEqual({ success: false });
      expect(latestReport().error).toMatch(message);
    }
    expect(await applied()).toHaveLength(5);
  });

  it("--fromBackup restores the deploy's backup after checking its SHA-256, and proves the state it recorded; a tampered backup is refused", async () => {
    await sql(`INSERT INTO "Customer" ("email", "name") VALUES ('late@example.com', 'Late')`);
    const file = path.join(workspace.dir, deployBackup);
    const copy = `${file}.tampered.dump`;
    cpSync(file, copy);
    appendFileSync(copy, 'x');
    writeFileSync(`${copy}.sha256`, readFileSync(`${file}.sha256`, 'utf8'));
    const now = await state();
    expect(await rollback({ fromBackup: path.relative(workspace.dir, copy), yes: true })).toEqual({ success: false });
    expect(latestReport().error).toMatch(/does not have the SHA-256 recorded when it was taken/);
    expect(await state()).toEqual(now);

    expect(await rollback({ fromBackup: deployBackup, yes: true })).toEqual({ success: true });
    expect(output.join('\n')).toMatch(
      /migrations it undoes: 20240415090000_invoice_audit_trigger, 20240402100000_rename_amount_to_total, 20240310083000_invoice_currency/,
    );
    expect(output.join('\n')).toMatch(/"public"\."Customer": 51 rows now, 50 in the backup/);
    expect(latestReport()).toMatchObject({ ok: true, status: 'restored', restored: true });
    expect(await state()).toEqual(beforeDeploy);
    expect(await applied()).toEqual(['20240101090000_init', '20240215120000_add_customer_preferences']);
    // The refused run recorded nothing; the deploy's events survive the restore (they are not in the backup).
    expect((await rollbackEvents()).map(([kind]) => kind)).toEqual(['rollback_started', 'backup_taken', 'restored', 'rollback_finished']);
    expect(await sql("SELECT count(*)::int AS n FROM forge_migrations.events WHERE kind = 'deploy_finished'")).toEqual([{ n: 1 }]);
    expect(existsSync(copy)).toBe(true);
    rmSync(copy);
  });

  it('asks at a terminal: "no" changes nothing, "yes" rolls back', async () => {
    const before = await state();
    const declined = await answeredAtTerminal('n');
    expect(declined.output).toMatch(/Roll back billing on the database in DATABASE_URL\?/);
    expect(declined.code).toBe(1);
    expect(await state()).toEqual(before);

    const accepted = await answeredAtTerminal('y');
    expect(accepted.code).toBe(0);
    expect(await applied()).not.toContain(LATER[2]);
    expect(accepted.output).not.toContain(decodeURIComponent(new URL(database.url).password));
  });

  /** The rollback in a child process on a pseudo-terminal (util-linux `script`), answering its question with `key` then Enter. */
  function answeredAtTerminal(key: string): Promise<{ code: number; output: string }> {
    const command = [process.execPath, '-r', '@swc-node/register', CHILD, 'rollback', workspace.dir, JSON.stringify({ lockTimeout: 5 })]
      .map((word) => `'${word.replace(/'/g, "'\\''")}'`)
      .join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
        cwd: REPO_ROOT,
        env: { ...process.env, FORCE_COLOR: '0' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      let answered = false;
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (!answered && /Roll back billing/.test(output)) {
          answered = true;
          child.stdin.write(key);
          setTimeout(() => child.stdin.write('\r'), 200);
        }
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
  }
});
