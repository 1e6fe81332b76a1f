/**
 * migrate-ui on a long history deployed to PostgreSQL, after migrate-test proved it on the
 * embedded database (and kept its prefix): in headless Chromium, the venture page and the first
 * view of a migration's page until its before/after diagrams are drawn (the newest migration, and
 * one in the middle of the history), each against the same browser, once it has shown a first
 * page, loading a static file of the same server. One view each: a first view is drawn once, then
 * kept.
 */
import { logger } from '@nx/devkit';
import path from 'node:path';
import migrateDeployExecutor from '../../packages/migrations/src/executors/deploy/executor';
import { startDashboard } from '../../packages/migrations/src/dashboard/server';
import { launchChromium } from '../../packages/migrations/src/test-support/browser';
import { executorContext } from '../../packages/migrations/src/test-support/executor-context';
import { readMigrationHistory } from '../../packages/migrations/src/adapters/store/migration-store';
import { defaultSnapshotCacheDir } from '../../packages/migrations/src/adapters/db/pglite-snapshot';
import { withEmptyDatabase } from './foundation';
import type { Row } from './report';

const URL_ENV = 'BENCH_UI_DATABASE_URL';
const PEER = 'a static file of the same server, same browser, warm';

export interface DashboardVenture {
  root: string;
  project: string;
  projectDir: string;
}

export async function dashboardViews(serverUrl: string, venture: DashboardVenture): Promise<Row[]> {
  const projectRoot = path.relative(venture.root, venture.projectDir);
  const names = readMigrationHistory(path.join(venture.projectDir, 'prisma/migrations')).migrations.map((migration) => migration.name);
  const quiet = [silence(logger, 'info'), silence(logger, 'warn')];
  try {
    return await withEmptyDatabase(serverUrl, async (url) => {
      process.env[URL_ENV] = url;
      const context = { ...executorContext(venture.root, venture.project, projectRoot), targetName: 'migrate-deploy' };
      const deployed = await migrateDeployExecutor({ urlEnv: URL_ENV, lockTimeout: 5 }, context);
      if (!deployed.success) throw new Error(`migrate-deploy of ${venture.project} failed`);
      const dashboard = await startDashboard({
        workspaceRoot: venture.root,
        ventures: [
          {
            project: venture.project,
            root: projectRoot,
            urlEnv: URL_ENV,
            dataDir: path.join(venture.projectDir, '.forge/pglite'),
            reportDir: path.join(venture.root, 'reports/migrate-deploy', projectRoot),
            backupDir: path.join(venture.root, '.forge/backups', projectRoot),
            testReport: path.join(venture.root, 'reports/migrate-test', projectRoot, 'report.json'),
            environment: 'default',
          },
        ],
        host: '127.0.0.1',
        port: 0,
        cacheDir: defaultSnapshotCacheDir(venture.root),
        backupRetention: 10,
        lockTimeoutMs: 1000,
        log: () => undefined,
      });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        /** From the request to the page loaded, and to everything it fills in after (diagrams, drift) in. */
        const timed = async (route: string) => {
          const started = performance.now();
          const response = await page.goto(new URL(route, dashboard.url).toString());
          if (response?.status() !== 200) throw new Error(`${route}: HTTP ${response?.status()}`);
          const loaded = performance.now() - started;
          await page.waitForSelector('body[data-filled="all"]', { timeout: 600_000 });
          return { loaded, filled: performance.now() - started };
        };
        // The peer: a static file, loaded once the browser has shown a first page, into an empty cache.
        await page.goto(new URL('/assets/mermaid.min.js', dashboard.url).toString());
        const fresh = await browser.newPage();
        const peerStarted = performance.now();
        await fresh.goto(new URL('/assets/mermaid.min.js', dashboard.url).toString());
        const peer = performance.now() - peerStarted;
        await fresh.close();
        const middle = Math.floor(names.length / 2);
        const migrationPage = (index: number) => `/v/${encodeURIComponent(venture.project)}/m/${encodeURIComponent(names[index])}`;
        const row = (name: string, ours: number, target: number): Row => ({
          name,
          ours,
          peer,
          peerName: PEER,
          unit: 'ms',
          target: `≤ ${target} ms`,
          met: ours <= target,
        });
        const venturePage = await timed(`/v/${venture.project}`);
        return [
          row(
            `migrate-ui: the venture page of ${venture.project}, ${names.length} migrations deployed, shown (its drift filled in after)`,
            venturePage.loaded,
            1000,
          ),
          row(`migrate-ui: that page's drift filled in (the engine applies the history on a scratch database)`, venturePage.filled, 1000),
          row(
            `migrate-ui: first view of the newest migration's page, diagrams drawn (migrate-test's prefix kept)`,
            (await timed(migrationPage(names.length - 1))).filled,
            2000,
          ),
          row(
            `migrate-ui: first view of migration ${middle + 1}'s page, diagrams drawn`,
            (await timed(migrationPage(middle))).filled,
            2000,
          ),
        ];
      } finally {
        await browser.close();
        await dashboard.close();
        delete process.env[URL_ENV];
      }
    });
  } finally {
    quiet.forEach((restore) => restore());
  }
}

/** Silence one of Nx's logger methods (the deploy's progress), giving back a function that restores it. */
function silence(target: typeof logger, method: 'info' | 'warn'): () => void {
  const original = target[method];
  target[method] = () => undefined;
  return () => {
    target[method] = original;
  };
}
