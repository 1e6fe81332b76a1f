/**
 * Benchmarks of the foundation, each measured side by side with its peer in the same run:
 *  - applying a long generated history through the plugin vs `psql -f` of the same SQL;
 *  - the embedded database's cold start from the cached snapshot vs a fresh PGlite (initdb);
 *  - the example's embedded `migrate-test` through Nx vs a no-op Nx task;
 *  - the generator (an add_column, generated and proven) vs `nx show projects`;
 * the last two in this repository and in a workspace that installed the packed plugin.
 */
import { PGlite } from '@electric-sql/pglite';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PgDatabase } from '../../packages/migrations/src/adapters/db/pg-database';
import { PgliteDatabase } from '../../packages/migrations/src/adapters/db/pglite-database';
import { describePhases, type PhaseTime } from '../../packages/migrations/src/core/phase-clock';
import { loadSqlParser } from '../../packages/migrations/src/core/sql/parser';
import { applyPendingMigrations } from '../../packages/migrations/src/use-cases/shared/apply-migrations';
import { readMigrationHistory } from '../../packages/migrations/src/adapters/store/migration-store';
import { type Benchmark, REPO_ROOT } from './benchmark';
import { generateHistory } from './generate-history';
import type { Row } from './report';
import { median, ROUNDS, sideBySide } from './timing';

const HISTORY_LENGTH = 250;

export const foundation: Benchmark = {
  name: 'foundation',
  section: 'Foundation: apply, embedded database, migrate-test and generator through Nx',
  async run(context) {
    const rows: Row[] = [];
    const apply = await benchApply(context.databaseUrl());
    rows.push({
      name: `apply ${HISTORY_LENGTH} migrations to an empty database`,
      ours: apply.ours,
      peer: apply.peer,
      peerName: 'psql -f (same SQL)',
      unit: 'ms',
      target: '≤ 1.3× psql',
      met: apply.ours <= 1.3 * apply.peer,
    });

    const coldStart = await benchColdStart();
    rows.push({
      name: 'embedded database cold start',
      ours: coldStart.ours,
      peer: coldStart.peer,
      peerName: 'fresh PGlite (initdb)',
      unit: 'ms',
      target: '< peer',
      met: coldStart.ours < coldStart.peer,
    });

    const inRepo = benchNxMigrateTest(REPO_ROOT, 'billing', 'bench:nx-startup');
    const inRepoProfile = phaseProfile(REPO_ROOT, 'billing:migrate-test');
    rows.push(migrateTestRow('this repo (TypeScript sources)', inRepo));
    rows.push(generatorRow('this repo', benchGenerator(REPO_ROOT)));
    const workspace = context.installedWorkspace();
    rows.push(migrateTestRow('installed package', benchNxMigrateTest(workspace.root, 'billing', 'noop:run')));
    const installedProfile = phaseProfile(workspace.root, 'billing:migrate-test');
    rows.push(generatorRow('installed package', benchGenerator(workspace.root)));
    return {
      rows,
      notes: [
        `The median of ${ROUNDS} alternating rounds (after one warm-up of ours). "apply" runs on the ` +
          `throwaway PostgreSQL server, each round in a fresh database; the migrate-test and generator ` +
          `rows run Nx without its daemon and skip its cache,`,
        'in this repository (where Nx runs the plugin from its TypeScript sources) and in a workspace ' +
          'that installed the packed plugin; the example venture has 5 migrations.',
        'Where they miss, the time beyond Nx is mostly fixed: starting the embedded database and the ' +
          'schema engine, and proving each change up, down and up again (README, Performance).',
        `Where one more run of the example's migrate-test went, this repo: ${inRepoProfile}.`,
        `Installed package: ${installedProfile}.`,
      ],
    };
  },
};

function migrateTestRow(where: string, timing: { ours: number; peer: number }): Row {
  return {
    name: `example migrate-test (embedded) via Nx, ${where}`,
    ...timing,
    peerName: 'a no-op Nx task',
    unit: 'ms',
    target: '≤ peer + 1000 ms',
    met: timing.ours - timing.peer <= 1000,
  };
}

function generatorRow(where: string, timing: { ours: number; peer: number }): Row {
  return {
    name: `generator (add_column, proven, --dry-run), ${where}`,
    ...timing,
    peerName: 'nx show projects',
    unit: 'ms',
    target: '≤ 1.5× peer',
    met: timing.ours <= 1.5 * timing.peer,
  };
}

async function benchApply(url: string): Promise<{ ours: number; peer: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-history-'));
  try {
    const scripts = generateHistory(dir, HISTORY_LENGTH);
    const sqlFile = path.join(dir, 'all.sql');
    writeFileSync(sqlFile, scripts.join('\n'));
    const psql = psqlBinary();
    const ours: number[] = [];
    const peer: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      peer.push(
        await withEmptyDatabase(url, async (databaseUrl) => {
          const started = performance.now();
          execFileSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-f', sqlFile], { stdio: 'pipe' });
          return performance.now() - started;
        }),
      );
      ours.push(
        await withEmptyDatabase(url, async (databaseUrl) => {
          const database = await PgDatabase.connect({ url: databaseUrl, source: 'bench' });
          try {
            const started = performance.now();
            const history = readMigrationHistory(dir);
            const applied = await applyPendingMigrations(await loadSqlParser(), database, history.migrations);
            const elapsed = performance.now() - started;
            if (applied.length !== HISTORY_LENGTH) throw new Error(`applied ${applied.length} of ${HISTORY_LENGTH}`);
            return elapsed;
          } finally {
            await database.close();
          }
        }),
      );
    }
    return { ours: median(ours), peer: median(peer) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withEmptyDatabase<T>(url: string, run: (databaseUrl: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client(url);
  await admin.connect();
  const name = `forge_bench_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const databaseUrl = new URL(url);
    databaseUrl.pathname = `/${name}`;
    return await run(databaseUrl.toString());
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function benchColdStart(): Promise<{ ours: number; peer: number }> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-cache-'));
  try {
    await (await PgliteDatabase.open({ cacheDir })).close(); // makes the snapshot, as the first run of a workspace does
    const ours: number[] = [];
    const peer: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      const fresh = await PGlite.create();
      await fresh.query('SELECT 1');
      peer.push(performance.now() - started);
      await fresh.close();
      started = performance.now();
      const embedded = await PgliteDatabase.open({ cacheDir });
      await embedded.query('SELECT 1');
      ours.push(performance.now() - started);
      await embedded.close();
    }
    return { ours: median(ours), peer: median(peer) };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** Time an Nx command in a workspace, without the daemon, on the embedded database. */
export function nxTimer(workspaceRoot: string) {
  return (...args: string[]) => {
    const started = performance.now();
    const result = spawnSync(path.join(workspaceRoot, 'node_modules', '.bin', 'nx'), args, {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, TEST_DATABASE_URL: '', NX_DAEMON: 'false', NX_TUI: 'false' },
    });
    if (result.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    return performance.now() - started;
  };
}

/**
 * Where one run of a migrate-test target went: the phases of its report (from the start of the
 * task's process), and Nx around the task (the command's time less the phases).
 */
export function phaseProfile(workspaceRoot: string, target: string, ...args: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-profile-'));
  try {
    const reportFile = path.join(dir, 'report.json');
    const wall = nxTimer(workspaceRoot)('run', target, '--outputStyle=static', '--skip-nx-cache', `--reportFile=${reportFile}`, ...args);
    const phases: PhaseTime[] = JSON.parse(readFileSync(reportFile, 'utf8')).phases;
    const around = wall - phases.reduce((sum, { ms }) => sum + ms, 0);
    return `${seconds(wall)} in all: ${describePhases([{ phase: 'Nx around the task', ms: around }, ...phases])}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `nx run <project>:migrate-test` against `nx run <noop>`, both skipping the cache. */
function benchNxMigrateTest(workspaceRoot: string, project: string, noopTarget: string): { ours: number; peer: number } {
  const nx = nxTimer(workspaceRoot);
  return sideBySide(
    () => nx('run', `${project}:migrate-test`, '--outputStyle=static', '--skip-nx-cache'),
    () => nx('run', noopTarget, '--outputStyle=static', '--skip-nx-cache'),
  );
}

/** The generator, generating and proving an add_column (`--dry-run`: nothing written), against `nx show projects`. */
function benchGenerator(workspaceRoot: string, project = 'billing'): { ours: number; peer: number } {
  const nx = nxTimer(workspaceRoot);
  const changes = JSON.stringify({ columns: [{ name: 'vip', type: 'Boolean', default: false }] });
  return sideBySide(
    () =>
      nx(
        'g',
        '@forge/migrations:migration',
        `--project=${project}`,
        '--changeType=add_column',
        '--targetTable=Customer',
        `--changes=${changes}`,
        '--dry-run',
      ),
    () => nx('show', 'projects'),
  );
}

export function psqlBinary(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const candidate = versions.map((version) => path.join(base, version, 'bin', 'psql')).find((file) => existsSync(file));
  return candidate ?? 'psql';
}
