import { logger } from '@nx/devkit';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { PgDatabase } from '../../adapters/db/pg-database';
import { type DatabaseState, readDatabaseState } from '../../use-cases/deploy/data-state';
import { createServerDatabase, testServerUrl } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { EXAMPLES_DIR, REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { newestReport } from '../../test-support/reports';
import approveGenerator from '../../generators/approve/approve';
import migrateDeployExecutor from '../deploy/executor';
import migrateRollbackExecutor from './executor';

const MIGRATIONS = 'apps/billing/prisma/migrations';
const CHILD = path.join(__dirname, '../../test-support/executor-child.ts');
const ROWS = 100_000;
const NOTE_TABLE = `CREATE TABLE "Note" (
  "id" SERIAL NOT NULL,
  "customerId" INTEGER NOT NULL,
  "body" TEXT NOT NULL,
  CONSTRAINT "Note_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "Note_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE
);`;
const ADD_NOTE = '20240501000000_add_note';
/** Outside a transaction (its VACUUM): what its rollback dropped is put back after it, not in it. */
const ADD_MEMO = '20240501100000_add_invoice_memo';
const DROP_NOTE = '20240502000000_drop_note';
const DROP_MEMO = '20240503000000_drop_invoice_memo';
const DEPLOY = { lockTimeout: 30, allowDrift: true };
const ROLLBACK_DROPS = { lockTimeout: 30, yes: true, to: ADD_MEMO };
const ROLLBACK_ADDS = { lockTimeout: 30, yes: true, to: '20240415090000_invoice_audit_trigger' };

type Command = 'deploy' | 'rollback';
type Scenario = 'drops' | 'restoring-rollback' | 'redeploy';

/**
 * Where the child is killed: once it printed `line`; then, with `server`, once the database runs
 * a query holding that text. `end` ends that query's session too, as the server does once it sees
 * its client gone (a statement it is waiting in, or the rest of a script, never commits); without
 * it the server finishes what it was sent. `hold`: SQL the spec runs in a transaction of its own
 * from before the child starts until the kill, so that the child waits at a known statement.
 */
interface KillPoint {
  line: RegExp;
  server?: { running: string; end: boolean };
  hold?: string;
}

/** How the capture's script begins (a script shows in pg_stat_activity by its first 1 kB): its CREATE TABLE AS is most of its time. */
const CAPTURE = 'pg_advisory_xact_lock(72707372)';
/** The archive tables a rollback reads (an ACCESS SHARE lock each): their DROP waits. */
const HOLD_ARCHIVE_TABLES = `DO $$ DECLARE t text; BEGIN
  FOR t IN SELECT archive_table FROM forge_archive.archives WHERE outcome = 'kept' LOOP
    EXECUTE format('LOCK TABLE forge_archive.%I IN ACCESS SHARE MODE', t);
  END LOOP; END $$`;
const holdRegistryRows = (direction: 'up' | 'down', migration?: string) =>
  `SELECT 1 FROM forge_archive.archives WHERE direction = '${direction}'${migration ? ` AND migration = '${migration}'` : ''} FOR UPDATE`;

/**
 * migrate-deploy and migrate-rollback killed with SIGKILL at every step of an archive's life: its
 * capture, the migration that drops what it keeps, the rollback that puts it back, and the deploy
 * that applies the migration again after a rollback (putting back what the rollback dropped). The
 * next run always finishes, and the database ends exactly as an uninterrupted run leaves it, every
 * archived value back, no archive table left that the registry does not list as kept, and no
 * archive listed as kept that was already put back.
 */
describe('archives, with migrate-deploy and migrate-rollback killed with SIGKILL', () => {
  jest.setTimeout(120_000);
  const saved = { ...process.env };
  const workspaces: Record<'drops' | 'adds', TemporaryProject> = {} as never;
  /** Databases to copy each case from (PostgreSQL's CREATE DATABASE ... TEMPLATE). */
  const templates: Partial<Record<Scenario, string>> = {};
  const references: Partial<Record<Scenario, { state: DatabaseState; kept: unknown[] }>> = {};
  const cleanup: Array<() => Promise<void> | void> = [];
  let workspace: TemporaryProject;
  let url: string;

  const connect = (at = url) => PgDatabase.connect({ url: at, source: 'spec' });
  const withDatabase = async <T>(work: (database: PgDatabase) => Promise<T>, at = url): Promise<T> => {
    const database = await connect(at);
    try {
      return await work(database);
    } finally {
      await database.close();
    }
  };

  const addMigration = (dir: string, name: string, up: string, down: string) => {
    mkdirSync(path.join(dir, MIGRATIONS, name), { recursive: true });
    writeFileSync(path.join(dir, MIGRATIONS, name, 'migration.sql'), `${up}\n`);
    writeFileSync(path.join(dir, MIGRATIONS, name, 'down.sql'), `${down}\n`);
  };

  /** A new database, copied from `template` (an empty one without), and a workspace copied from `from`. */
  async function freshCase(from: TemporaryProject, template?: string): Promise<void> {
    workspace = temporaryDir('forge-archive-kill-');
    cpSync(from.dir, workspace.dir, { recursive: true });
    const server = template ? await databaseFrom(template) : await createServerDatabase('archive_kill');
    url = server.url;
    process.env['DATABASE_URL'] = url;
    const [dir, drop] = [workspace, server.drop];
    cleanup.push(() => dir.remove(), drop);
  }

  async function databaseFrom(template: string): Promise<{ url: string; drop: () => Promise<void> }> {
    const name = `forge_archive_kill_${Math.random().toString(36).slice(2, 10)}`;
    const admin = await connect(testServerUrl());
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${new URL(template).pathname.slice(1)}"`);
    } finally {
      await admin.close();
    }
    const copy = new URL(template);
    copy.pathname = `/${name}`;
    return {
      url: copy.toString(),
      drop: () =>
        withDatabase((database) => database.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), testServerUrl()).then(() => undefined),
    };
  }

  /** The command run in this process (the next run after a kill): its outcome and its report's error. */
  async function runHere(command: Command, options: Record<string, unknown>): Promise<{ success: boolean; error?: string }> {
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    try {
      const context = executorContext(workspace.dir, 'billing', 'apps/billing');
      const { success } = await (command === 'deploy' ? migrateDeployExecutor(DEPLOY, context) : migrateRollbackExecutor(options, context));
      const report = newestReport(path.join(workspace.dir, `reports/migrate-${command}/apps/billing`));
      return { success, error: report.error ?? undefined };
    } finally {
      jest.restoreAllMocks();
    }
  }

  /** The command in a child process, killed with SIGKILL at `at`. */
  async function runKilled(
    command: Command,
    options: Record<string, unknown>,
    at: KillPoint,
  ): Promise<{ killed: boolean; output: string }> {
    const holder = await connect();
    const watcher = await connect();
    try {
      if (at.hold) await holder.query('BEGIN').then(() => holder.query(at.hold!));
      return await new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', '@swc-node/register', CHILD, command, workspace.dir, JSON.stringify(options)], {
          cwd: REPO_ROOT,
          env: { ...process.env, FORCE_COLOR: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let [output, armed, closed] = ['', false, false];
        const kill = async () => {
          if (!at.server) return void child.kill('SIGKILL');
          for (;;) {
            if (closed) return;
            const [running] = await watcher.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND state = 'active' AND position($1 in query) > 0 LIMIT 1`,
              [at.server.running],
            );
            if (running) {
              child.kill('SIGKILL');
              if (at.server.end) await watcher.query('SELECT pg_terminate_backend($1, 10000)', [running.pid]);
              return;
            }
            await new Promise((wait) => setTimeout(wait, 2));
          }
        };
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (!armed && at.line.test(output)) {
            armed = true;
            kill().catch(reject);
          }
        });
        child.stderr.on('data', (chunk) => (output += chunk));
        child.on('error', reject);
        child.on('close', (code, signal) => {
          closed = true;
          resolve({ killed: signal === 'SIGKILL', output: `${output}\n(exit ${code ?? signal})` });
        });
      });
    } finally {
      if (at.hold) await holder.query('ROLLBACK');
      await holder.close();
      await watcher.close();
    }
  }

  /** The archives the registry lists as kept, and whether each one's table is there; the archive tables it does not list as kept. */
  const archives = () =>
    withDatabase(async (database) => {
      const [{ exists }] = await database.query<{ exists: boolean }>(`SELECT to_regclass('forge_archive.archives') IS NOT NULL AS exists`);
      if (!exists) return { kept: [], strays: [] };
      const kept = await database.query(
        `SELECT migration, direction, kind, source_table, source_column, rows::int,
           to_regclass(quote_ident('forge_archive') || '.' || quote_ident(archive_table)) IS NOT NULL AS table_there
         FROM forge_archive.archives WHERE outcome = 'kept' AND restored_at IS NULL AND purged_at IS NULL
         ORDER BY migration, direction, kind, source_table`,
      );
      const strays = await database.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'forge_archive' AND tablename <> 'archives' AND tablename NOT IN
           (SELECT archive_table FROM forge_archive.archives WHERE outcome = 'kept' AND restored_at IS NULL AND purged_at IS NULL)`,
      );
      return { kept, strays };
    });
  const unfinished = () =>
    withDatabase((database) =>
      database.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL`),
    );
  const endState = async () => ({ state: await withDatabase(readDatabaseState), ...(await archives()), unfinished: await unfinished() });

  /** The end state of this case's database: the reference of `scenario`. */
  async function keepAsReference(scenario: Scenario): Promise<void> {
    const { state, kept } = await endState();
    references[scenario] = { state, kept };
  }

  beforeAll(async () => {
    // The billing venture with a table of notes and a column of memos, each of ROWS rows, live.
    const adds = temporaryDir('forge-archive-kill-adds-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(adds.dir, 'apps/billing'), { recursive: true });
    addMigration(adds.dir, ADD_NOTE, NOTE_TABLE, 'DROP TABLE "Note";');
    addMigration(
      adds.dir,
      ADD_MEMO,
      'ALTER TABLE "Invoice" ADD COLUMN "memo" TEXT;\nVACUUM "Invoice";',
      'ALTER TABLE "Invoice" DROP COLUMN "memo";',
    );
    workspaces.adds = adds;
    const drops = temporaryDir('forge-archive-kill-drops-');
    cpSync(adds.dir, drops.dir, { recursive: true });
    addMigration(drops.dir, DROP_NOTE, 'DROP TABLE "Note";', NOTE_TABLE);
    addMigration(drops.dir, DROP_MEMO, 'ALTER TABLE "Invoice" DROP COLUMN "memo";', 'ALTER TABLE "Invoice" ADD COLUMN "memo" TEXT;');
    const tree = new FsTree(drops.dir, false);
    await approveGenerator(tree, { project: 'billing' });
    flushChanges(drops.dir, tree.listChanges());
    workspaces.drops = drops;

    await freshCase(adds);
    expect(await runHere('deploy', DEPLOY)).toEqual({ success: true });
    await withDatabase((database) =>
      database.executeScript(`
        INSERT INTO "Customer" ("email", "name") SELECT 'c' || g || '@example.com', 'C' || g FROM generate_series(1, 1000) g;
        INSERT INTO "Invoice" ("customerId", "totalCents", "status", "memo")
          SELECT 1 + g % 1000, g, 'SENT', 'memo of invoice ' || g FROM generate_series(1, ${ROWS}) g;
        INSERT INTO "Note" ("customerId", "body") SELECT 1 + g % 1000, 'note ' || g || ' of a customer' FROM generate_series(1, ${ROWS}) g;
        DELETE FROM "Note" WHERE id % 97 = 0;`),
    );
    const base = url;
    // The uninterrupted runs: each one's end is the reference of its scenario, and the start of the next.
    templates.drops = base;
    await freshCase(drops, templates.drops);
    expect(await runHere('deploy', DEPLOY)).toEqual({ success: true });
    await keepAsReference('drops');
    templates['restoring-rollback'] = url;
    await freshCase(drops, templates['restoring-rollback']);
    expect(await runHere('rollback', ROLLBACK_DROPS)).toEqual({ success: true });
    await keepAsReference('restoring-rollback');
    await freshCase(adds, base);
    expect(await runHere('rollback', ROLLBACK_ADDS)).toEqual({ success: true });
    templates.redeploy = url;
    await freshCase(adds, templates.redeploy);
    expect(await runHere('deploy', DEPLOY)).toEqual({ success: true });
    await keepAsReference('redeploy');
    // What the scenarios prove is only worth it if the archives hold every row, and the references are what they claim.
    expect(references.drops!.kept).toEqual([
      expect.objectContaining({
        migration: DROP_NOTE,
        direction: 'up',
        kind: 'table',
        rows: ROWS - Math.floor(ROWS / 97),
        table_there: true,
      }),
      expect.objectContaining({ migration: DROP_MEMO, direction: 'up', kind: 'column', rows: ROWS, table_there: true }),
    ]);
    expect(references['restoring-rollback']!.kept).toEqual([]);
    expect(references.redeploy!.kept).toEqual([]);
    const baseState = await withDatabase(readDatabaseState, base);
    expect(references['restoring-rollback']!.state).toEqual(baseState);
    expect(references.redeploy!.state).toEqual(baseState);
  }, 300_000);

  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    for (const dir of Object.values(workspaces)) dir.remove();
  });

  const cases: Array<[string, Scenario, Command, Record<string, unknown>, KillPoint]> = [
    [
      'during the capture, cut off in its CREATE TABLE AS',
      'drops',
      'deploy',
      DEPLOY,
      { line: /archiving table public\.Note/, server: { running: CAPTURE, end: true } },
    ],
    ['right after the archived event', 'drops', 'deploy', DEPLOY, { line: new RegExp(`event archived ${DROP_NOTE}`) }],
    [
      'inside the dropping migration, after its capture',
      'drops',
      'deploy',
      DEPLOY,
      {
        line: new RegExp(`applying ${DROP_MEMO}`),
        server: { running: 'DROP COLUMN "memo"', end: true },
        hold: 'LOCK TABLE "Invoice" IN ACCESS SHARE MODE',
      },
    ],
    [
      'inside the down and its restore (one transaction)',
      'restoring-rollback',
      'rollback',
      ROLLBACK_DROPS,
      {
        line: new RegExp(`${DROP_MEMO}: running its down, putting back`),
        server: { running: 'restored_at = now()', end: true },
        hold: holdRegistryRows('up'),
      },
    ],
    [
      'right after the down and its restore, before the check and drop of the archive',
      'restoring-rollback',
      'rollback',
      ROLLBACK_DROPS,
      {
        line: new RegExp(`${DROP_MEMO}: running its down`),
        server: { running: 'DROP TABLE IF EXISTS "forge_archive"', end: true },
        hold: HOLD_ARCHIVE_TABLES,
      },
    ],
    [
      'after the first down',
      'restoring-rollback',
      'rollback',
      ROLLBACK_DROPS,
      { line: new RegExp(`event migration_rolled_back ${DROP_MEMO}`) },
    ],
    [
      'inside a migration applied again with its restore (one transaction)',
      'redeploy',
      'deploy',
      DEPLOY,
      {
        line: new RegExp(`${ADD_NOTE}: putting back`),
        server: { running: 'restored_at = now()', end: true },
        hold: holdRegistryRows('down', ADD_NOTE),
      },
    ],
    [
      'between a migration applied again outside a transaction and its restore',
      'redeploy',
      'deploy',
      DEPLOY,
      {
        line: new RegExp(`${ADD_MEMO}: putting back`),
        server: { running: 'restored_at = now()', end: true },
        hold: holdRegistryRows('down', ADD_MEMO),
      },
    ],
    ['right after the migrations applied again', 'redeploy', 'deploy', DEPLOY, { line: new RegExp(`event migration_applied ${ADD_MEMO}`) }],
  ];
  it.each(cases)(
    'killed %s (%s): the next %s finishes, nothing lost, no archive left behind',
    async (_point, scenario, command, options, at) => {
      await freshCase(scenario === 'redeploy' ? workspaces.adds : workspaces.drops, templates[scenario]);
      const killed = await runKilled(command, options, at);
      expect(killed).toMatchObject({ killed: true });
      expect(await runHere(command, options)).toEqual({ success: true, error: undefined });
      const end = await endState();
      expect(end).toEqual({ ...references[scenario], strays: [], unfinished: [] });
    },
  );
});
