/**
 * The public histories under fixtures/ (umami 19, hoppscotch 21, trigger-dev 820 migrations), as
 * a team brings them on its first day, each figure beside its peer in the same run:
 *  - down-scripts of trigger-dev (a down derived and verified for every migration that has none)
 *    against `psql -f` of the history's SQL in one connection;
 *  - migrate-test of trigger-dev, with those downs, on the embedded database and on PostgreSQL,
 *    against the same `psql -f`;
 *  - migrate-ui on that history deployed: the venture page and the first view of a migration's
 *    page, its diagrams drawn (dashboard-views.ts);
 *  - migrate-deploy of that history into an empty PostgreSQL database through Nx, less a no-op Nx
 *    task, against the same `psql -f`;
 *  - the developer's loop on that history: one new migration on top of it, through Nx in the
 *    installed workspace, the proven prefix reused, on both databases, against a no-op Nx task;
 *  - the share of migrations whose down migrate-test then verifies, over the three histories
 *    (the rest are irreversible, each with its reason: the notes count them by kind).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import downScriptsGenerator from '../../packages/migrations/src/generators/down-scripts/down-scripts';
import { testProject } from '../../packages/migrations/src/use-cases/test';
import type { TestReport } from '../../packages/migrations/src/core/test-report';
import { type BenchContext, type Benchmark, REPO_ROOT } from './benchmark';
import { dashboardViews } from './dashboard-views';
import { nxTimer, phaseProfile, psqlBinary, withEmptyDatabase } from './foundation';
import { mib, type Peak, peakMemory } from './memory';
import type { Row } from './report';
import { ROUNDS, sideBySide, sideBySideAsync } from './timing';

const HISTORIES = ['umami', 'hoppscotch', 'trigger-dev'];
const LONGEST = 'trigger-dev';
const VERIFIED_GOAL = 0.85;

export const realHistories: Benchmark = {
  name: 'histories',
  section: 'Real histories: down-scripts, migrate-test, migrate-deploy and migrate-ui (umami, hoppscotch, trigger-dev)',
  async run(context) {
    const rows: Row[] = [];
    const reports = new Map<string, TestReport>();
    const irreversible = new Map<string, number>();
    let downScriptsMs = 0;
    const profiles: string[] = [];
    for (const history of HISTORIES) {
      const workspace = copyHistory(history);
      try {
        const started = performance.now();
        await downScripts(workspace);
        if (history === LONGEST) downScriptsMs = performance.now() - started;
        for (const reason of irreversibleReasons(workspace)) irreversible.set(reason, (irreversible.get(reason) ?? 0) + 1);
        reports.set(history, await migrateTest(workspace));
        if (history === LONGEST) {
          const psql = await psqlWholeHistory(context.databaseUrl(), workspace);
          const embedded = reports.get(history)!;
          const server = await migrateTest(workspace, context.databaseUrl());
          const report = (name: string, ms: number): Row => ({
            name,
            ours: ms,
            peer: psql,
            peerName: 'psql -f (same SQL, one connection)',
            unit: 'ms',
            target: 'reported',
            met: true,
          });
          rows.push(report(`down-scripts of ${LONGEST} (820 downs derived and verified)`, downScriptsMs));
          rows.push(report(`migrate-test of ${LONGEST} with its downs, embedded`, embedded.durationMs));
          rows.push(report(`migrate-test of ${LONGEST} with its downs, PostgreSQL`, server.durationMs));
          rows.push(...(await dashboardViews(context.databaseUrl(), workspace)));
          const installed = installHistory(context, workspace);
          let loops: Awaited<ReturnType<typeof oneMoreMigration>>;
          try {
            const deploy = await deployWholeHistory(installed, context.databaseUrl());
            rows.push({
              name: `migrate-deploy of ${LONGEST}'s whole history into an empty PostgreSQL database via Nx, less a no-op Nx task`,
              ours: deploy.ours - deploy.peers[0],
              peer: psql,
              peerName: 'psql -f (same SQL, one connection)',
              unit: 'ms',
              target: '≤ 2× peer',
              met: deploy.ours - deploy.peers[0] <= 2 * psql,
            });
            loops = await oneMoreMigration(installed);
          } finally {
            installed.remove();
          }
          for (const [where, loop] of Object.entries(loops)) {
            profiles.push(`${where}, ${loop.profile}`);
            rows.push({
              name: `migrate-test of ${LONGEST} plus one new migration via Nx, ${where}, the ${embedded.migrations.length} before it reused`,
              ours: loop.ours,
              peer: loop.peer,
              peerName: 'a no-op Nx task',
              unit: 'ms',
              target: '≤ peer + 1.5 s',
              met: loop.ours <= loop.peer + 1500,
            });
            rows.push({
              name: `peak memory of that run, ${where} (the Nx command's process tree)`,
              ours: mib(loop.memory.ours.bytes),
              peer: mib(loop.memory.peer.bytes),
              peerName: 'a no-op Nx task',
              unit: 'MiB',
              target: '< 1024 MiB',
              met: mib(loop.memory.ours.bytes) < 1024,
            });
          }
        }
      } finally {
        rmSync(workspace.root, { recursive: true, force: true });
      }
    }
    const all = [...reports.values()].flatMap((report) => report.migrations);
    const verified = all.filter((migration) => migration.down === 'verified').length;
    rows.push({
      name: 'downs verified by migrate-test, three histories',
      ours: verified,
      peer: all.length,
      peerName: 'migrations',
      unit: 'migrations',
      target: `≥ ${VERIFIED_GOAL}× (${VERIFIED_GOAL * 100} %)`,
      met: verified >= VERIFIED_GOAL * all.length,
    });
    const perHistory = [...reports].map(
      ([history, report]) => `${history} ${report.migrations.filter((m) => m.down === 'verified').length} of ${report.migrations.length}`,
    );
    const kinds = [...irreversible].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${reason}`);
    return {
      rows,
      notes: [
        `One run each. Downs verified per history: ${perHistory.join(', ')}; the others are irreversible: ${kinds.join('; ')}.`,
        `The developer's loop: the history proven once through Nx in the installed workspace, then ` +
          `the median of ${ROUNDS} alternating rounds, each with a new migration of its own on top ` +
          `(the history reused, the new one proven), against a no-op Nx task; Nx ` +
          `without its daemon, skipping its cache. Where one more such run went: ${profiles.join('; ')}.`,
        'The peer applies the same SQL with one psql process and one connection, statement by ' +
          'statement, checking nothing; migrate-test applies each migration as Prisma does, with ' +
          'representative rows before it, checks their integrity after it, proves its down (down, then up ' +
          'again) and ends with the idempotency and drift checks.',
      ],
    };
  },
};

interface HistoryCopy {
  root: string;
  project: string;
  projectDir: string;
}

function copyHistory(history: string): HistoryCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), `forge-bench-${history}-`));
  const project = history.replace(/[^a-z]/g, '');
  const projectDir = path.join(root, 'apps', project);
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(path.join(root, 'nx.json'), '{}');
  writeFileSync(path.join(projectDir, 'project.json'), JSON.stringify({ name: project, root: `apps/${project}` }));
  cpSync(path.join(REPO_ROOT, 'fixtures', history, 'prisma'), path.join(projectDir, 'prisma'), { recursive: true });
  return { root, project, projectDir };
}

async function downScripts(workspace: HistoryCopy): Promise<void> {
  const tree = new FsTree(workspace.root, false);
  await downScriptsGenerator(tree, { project: workspace.project });
  flushChanges(workspace.root, tree.listChanges());
}

function migrationFolders(workspace: HistoryCopy): string[] {
  const dir = path.join(workspace.projectDir, 'prisma/migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

/** The kind of each irreversible down's first reason: `DS102`, `updates rows`, `no down script could be derived`. */
function irreversibleReasons(workspace: HistoryCopy): string[] {
  return migrationFolders(workspace).flatMap((folder) => {
    const reason = /^-- forge:irreversible: (.*)$/m.exec(readFileSync(path.join(folder, 'down.sql'), 'utf8'))?.[1];
    if (!reason) return [];
    const code = /^(DS\d{3})/.exec(reason)?.[1];
    return [
      code ??
        /(inserts rows|updates rows|deletes rows|DO block|calls a function|no down script could be derived)/.exec(reason)?.[1] ??
        'other',
    ];
  });
}

function migrateTest(workspace: HistoryCopy, url?: string): Promise<TestReport> {
  return testProject({
    project: workspace.project,
    projectRoot: workspace.projectDir,
    workspaceRoot: workspace.root,
    url,
    urlSource: 'TEST_DATABASE_URL',
    allowDrift: true,
    // As a team's first run: the proven prefix kept (the dashboard's diagrams start from it).
    prefixCache: true,
  });
}

interface InstalledHistory {
  root: string;
  project: string;
  migrationsDir: string;
  nx: ReturnType<typeof nxTimer>;
  remove(): void;
}

/**
 * A history, downs included, as a project of the installed workspace: migrate-test on the
 * embedded database (`server` configuration: on PostgreSQL), migrate-deploy to the database in
 * BENCH_DEPLOY_URL.
 */
function installHistory(context: BenchContext, history: HistoryCopy): InstalledHistory {
  const installed = context.installedWorkspace();
  const projectDir = path.join(installed.root, 'apps', history.project);
  cpSync(path.join(history.projectDir, 'prisma'), path.join(projectDir, 'prisma'), { recursive: true });
  process.env['BENCH_DATABASE_URL'] = context.databaseUrl();
  installed.write(
    `apps/${history.project}/project.json`,
    JSON.stringify({
      name: history.project,
      targets: {
        'migrate-test': { options: { allowDrift: true }, configurations: { server: { urlEnv: 'BENCH_DATABASE_URL' } } },
        'migrate-deploy': { options: { urlEnv: 'BENCH_DEPLOY_URL' } },
      },
    }),
  );
  return {
    root: installed.root,
    project: history.project,
    migrationsDir: path.join(projectDir, 'prisma/migrations'),
    nx: nxTimer(installed.root),
    remove: () => rmSync(projectDir, { recursive: true, force: true }),
  };
}

/** `nx run <project>:migrate-deploy` of the whole history, each round into an empty database of the server, against a no-op Nx task. */
function deployWholeHistory(installed: InstalledHistory, serverUrl: string): Promise<{ ours: number; peers: number[] }> {
  const deploy = () =>
    withEmptyDatabase(serverUrl, async (url) => {
      process.env['BENCH_DEPLOY_URL'] = url;
      // The deploy task alone: by default it depends on migrate-test, which a CI run takes from Nx's cache.
      return installed.nx(
        'run',
        `${installed.project}:migrate-deploy`,
        '--outputStyle=static',
        '--skip-nx-cache',
        '--excludeTaskDependencies',
      );
    });
  return sideBySideAsync(deploy, [async () => installed.nx('run', 'noop:run', '--outputStyle=static', '--skip-nx-cache')], 3);
}

/**
 * The developer's loop on an installed history, proven once through Nx on each database; then the
 * time of `nx run <project>:migrate-test` with a new migration of its own on top each round. The
 * warm-up round proves the history's newest and keeps the history; each round after it starts
 * from there and proves its new migration alone, as a developer's next run.
 */
async function oneMoreMigration(
  installed: InstalledHistory,
): Promise<Record<'embedded' | 'PostgreSQL', { ours: number; peer: number; profile: string; memory: { ours: Peak; peer: Peak } }>> {
  const { nx, migrationsDir } = installed;
  let round = 0;
  const newMigration = () => {
    rmSync(path.join(migrationsDir, `29990101000000_round_${round}`), { recursive: true, force: true });
    const folder = path.join(migrationsDir, `29990101000000_round_${++round}`);
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'migration.sql'), `CREATE TABLE "BenchRound${round}" ("id" INTEGER NOT NULL PRIMARY KEY);\n`);
    writeFileSync(path.join(folder, 'down.sql'), `DROP TABLE "BenchRound${round}";\n`);
  };
  const loop = async (target: string) => {
    const migrateTest = () => nx('run', target, '--outputStyle=static', '--skip-nx-cache');
    migrateTest();
    const timing = sideBySide(
      () => {
        newMigration();
        return migrateTest();
      },
      () => nx('run', 'noop:run', '--outputStyle=static', '--skip-nx-cache'),
    );
    newMigration();
    const profile = phaseProfile(installed.root, target);
    newMigration();
    const nxBin = path.join(installed.root, 'node_modules', '.bin', 'nx');
    const peak = (...args: string[]) => peakMemory(nxBin, [...args, '--outputStyle=static', '--skip-nx-cache'], installed.root, {});
    const memory = { ours: await peak('run', target), peer: await peak('run', 'noop:run') };
    return { ...timing, profile, memory };
  };
  return {
    embedded: await loop(`${installed.project}:migrate-test`),
    PostgreSQL: await loop(`${installed.project}:migrate-test:server`),
  };
}

/** `psql -f` of every migration.sql of the history, in order, in one connection, on an empty database. */
async function psqlWholeHistory(url: string, workspace: HistoryCopy): Promise<number> {
  const sqlFile = path.join(workspace.root, 'history.sql');
  writeFileSync(
    sqlFile,
    migrationFolders(workspace)
      .map((folder) => readFileSync(path.join(folder, 'migration.sql'), 'utf8'))
      .join('\n;\n'),
  );
  return withEmptyDatabase(url, async (databaseUrl) => {
    const started = performance.now();
    execFileSync(psqlBinary(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-f', sqlFile], { stdio: 'pipe' });
    return performance.now() - started;
  });
}
