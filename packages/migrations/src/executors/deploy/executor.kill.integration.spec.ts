import { logger } from '@nx/devkit';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSqlParser } from '../../core/sql/parser';
import { PgDatabase } from '../../adapters/db/pg-database';
import { applyPendingMigrations } from '../../use-cases/shared/apply-migrations';
import { type DatabaseState, readDatabaseState } from '../../use-cases/deploy/data-state';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import migrateDeployExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';
const [M1, M2, M3] = ['20240310083000_invoice_currency', '20240402100000_rename_amount_to_total', '20240415090000_invoice_audit_trigger'];
const CHILD = path.join(__dirname, '../../test-support/executor-child.ts');

/**
 * The deploy process killed with SIGKILL at many points (before the lock, during the backup,
 * inside a transactional and a non-transactional migration, between migrations, during the
 * automatic rollback): the next deploy always finishes, and the database ends exactly as an
 * uninterrupted deploy leaves it: no half-applied migration, no lost row.
 */
describe('migrate-deploy killed with SIGKILL', () => {
  let workspace: TemporaryProject;
  let database: { url: string; drop: () => Promise<void> };
  const saved = { ...process.env };

  /** The billing venture with its first two migrations live and 200 invoices; the last three to deploy, the second slow, the third outside a transaction. */
  async function prepare(variant: 'succeeds' | 'fails'): Promise<DatabaseState> {
    workspace = temporaryDir('forge-kill-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    const file = (name: string, what: string) => path.join(workspace.dir, MIGRATIONS, name, what);
    writeFileSync(file(M2, 'migration.sql'), `${readFileSync(file(M2, 'migration.sql'), 'utf8')}\nSELECT pg_sleep(0.5);\n`);
    writeFileSync(
      file(M3, 'migration.sql'),
      `${readFileSync(file(M3, 'migration.sql'), 'utf8')}\nSELECT pg_sleep(0.5);\nCREATE INDEX ` +
        `CONCURRENTLY "Invoice_status_idx" ON ` +
        `"Invoice"("status");\n${variant === 'fails' ? 'SELECT 1 / 0;\n' : ''}`,
    );
    writeFileSync(file(M3, 'down.sql'), `DROP INDEX IF EXISTS "Invoice_status_idx";\n${readFileSync(file(M3, 'down.sql'), 'utf8')}`);
    const schema = path.join(workspace.dir, 'apps/billing/prisma/schema.prisma');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace(/(model Invoice \{[^}]*?)\n\}/s, '$1\n\n  @@index([status])\n}'));
    database = await createServerDatabase('kill');
    process.env['DATABASE_URL'] = database.url;
    const db = await PgDatabase.connect({ url: database.url, source: 'spec' });
    try {
      const history = readMigrationHistory(path.join(workspace.dir, MIGRATIONS));
      await applyPendingMigrations(
        await loadSqlParser(),
        db,
        history.migrations.filter((migration) => ![M1, M2, M3].includes(migration.name)),
      );
      await db.executeScript(
        `
        INSERT INTO "Customer" ("email", "name", "createdAt") SELECT 'c' || g || (CASE WHEN g ` +
          `% 7 = 0 THEN '@example.us' ELSE '@example.com' END), 'Customer ' || g, '2024-01-01' FROM ` +
          `generate_series(1, 50) g;
        INSERT INTO "Invoice" ("customerId", "amountCents", "status") SELECT 1 + g % 50, g * 100, 'SENT' FROM generate_series(1, 200) g;`,
      );
      return await readDatabaseState(db);
    } finally {
      await db.close();
    }
  }

  async function finish(): Promise<void> {
    process.env = { ...saved };
    await database?.drop();
    workspace?.remove();
  }

  const state = async () => {
    const db = await PgDatabase.connect({ url: database.url, source: 'spec' });
    try {
      return {
        state: await readDatabaseState(db),
        unfinished: await db.query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL'),
      };
    } finally {
      await db.close();
    }
  };

  /** Run the deploy in a child process and SIGKILL it `delayMs` after it prints a line matching `at`. */
  function deployKilledAt(at: RegExp, delayMs: number): Promise<{ killed: boolean; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', CHILD, 'deploy', workspace.dir, JSON.stringify({ lockTimeout: 30 })],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, FORCE_COLOR: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      let armed = false;
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (!armed && at.test(output)) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ killed: signal === 'SIGKILL', output: `${output}\n(exit ${code ?? signal})` }));
    });
  }

  /** The deploy run again, in this process: its outcome, and its status and error from its report. */
  const deployAgain = async () => {
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    try {
      const { success } = await migrateDeployExecutor({ lockTimeout: 30 }, executorContext(workspace.dir, 'billing', 'apps/billing'));
      const reports = path.join(workspace.dir, 'reports/migrate-deploy/apps/billing');
      const latest = JSON.parse(
        readFileSync(
          path.join(
            reports,
            readdirSync(reports)
              .filter((name) => name.endsWith('.json'))
              .sort()
              .pop()!,
          ),
          'utf8',
        ),
      );
      return { success, status: latest.status as string, error: latest.error as string | undefined };
    } finally {
      jest.restoreAllMocks();
    }
  };

  let deployed: DatabaseState;
  /** The states between migrations of the failing deploy: before it, after its first, after its second. */
  let boundaries: DatabaseState[];
  beforeAll(async () => {
    // The references: what an uninterrupted deploy leaves, and every migration boundary.
    await prepare('succeeds');
    expect(await deployAgain()).toMatchObject({ success: true });
    deployed = (await state()).state;
    await finish();
    boundaries = [await prepare('fails')];
    const history = readMigrationHistory(path.join(workspace.dir, MIGRATIONS));
    const db = await PgDatabase.connect({ url: database.url, source: 'spec' });
    try {
      for (const name of [M1, M2]) {
        await applyPendingMigrations(
          await loadSqlParser(),
          db,
          history.migrations.slice(0, history.migrations.findIndex((migration) => migration.name === name) + 1),
        );
        boundaries.push(await readDatabaseState(db));
      }
    } finally {
      await db.close();
    }
    await finish();
  }, 120_000);
  afterEach(finish);

  const succeeding: Array<[string, RegExp, number]> = [
    ['before the lock', /migrate-deploy billing \(default\) on/, 0],
    ['right after deploy_started', /event deploy_started/, 0],
    ['as the backup starts', /backup: /, 0],
    ['during pg_dump', /backup: /, 30],
    ['right after the backup', /event backup_taken/, 0],
    ['as the first migration starts', new RegExp(`applying ${M1}`), 0],
    ['right after the first migration', new RegExp(`event migration_applied ${M1}`), 0],
    ['inside the second migration (a transaction)', new RegExp(`applying ${M2}`), 250],
    ['right after the second migration', new RegExp(`event migration_applied ${M2}`), 0],
    ['inside the third migration, before its index (outside a transaction)', new RegExp(`applying ${M3}`), 250],
    ['inside the third migration, during its index', new RegExp(`applying ${M3}`), 560],
    ['right after the third migration', new RegExp(`event migration_applied ${M3}`), 0],
    ['during verification', /event verified/, 0],
    ['right after deploy_finished', /event deploy_finished/, 0],
  ];
  it.each(succeeding)(
    'killed %s: the next deploy finishes it',
    async (_point, at, delayMs) => {
      await prepare('succeeds');
      const killed = await deployKilledAt(at, delayMs);
      expect(killed).toMatchObject({ killed: true });
      expect(await deployAgain()).toMatchObject({ success: true, error: undefined });
      expect(await state()).toEqual({ state: deployed, unfinished: [] });
    },
    60_000,
  );

  const failing: Array<[string, RegExp, number]> = [
    ['as the deploy fails', /deploy failed: /, 0],
    ['right after rollback_started', /event rollback_started/, 0],
    ['after the first down', new RegExp(`event migration_rolled_back ${M2}`), 0],
    ['after the last down', new RegExp(`event migration_rolled_back ${M1}`), 0],
    ['right after rollback_finished', /event rollback_finished/, 0],
    ['inside the third migration (it fails after its index)', new RegExp(`applying ${M3}`), 400],
  ];
  it.each(failing)(
    'killed %s in a deploy that fails: the next deploy rolls back to a migration boundary, no row lost',
    async (_point, at, delayMs) => {
      await prepare('fails');
      const killed = await deployKilledAt(at, delayMs);
      expect(killed).toMatchObject({ killed: true });
      expect(await deployAgain()).toMatchObject({
        success: false,
        status: 'rolled-back',
        error: expect.stringMatching(/division by zero/),
      });
      const after = await state();
      expect(after.unfinished).toEqual([]);
      expect(boundaries.findIndex((boundary) => JSON.stringify(boundary) === JSON.stringify(after.state))).toBeGreaterThanOrEqual(0);
    },
    60_000,
  );
});
