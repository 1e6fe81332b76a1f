import { logger } from '@nx/devkit';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import migrateDeployExecutor from '../executors/deploy/executor';
import { launchChromium, SCREENSHOT_DIR, screenshotTaker } from '../test-support/browser';
import { createServerDatabase, SNAPSHOT_CACHE_DIR } from '../test-support/databases';
import { executorContext } from '../test-support/executor-context';
import { historyWorkspace, type HistoryWorkspace } from '../test-support/real-histories';
import { readMigrationHistory } from '../adapters/store/migration-store';
import { PAGE_SIZE } from './migration-list';
import { type Dashboard, startDashboard } from './server';

const MINUTES = 60_000;
const URL_ENV = 'FORGE_UI_SPEC_HISTORY_URL';

/** migrate-ui over trigger.dev's 820 migrations, deployed to a real PostgreSQL: a page that fits, finds and pages. */
describe('migrate-ui on a long history, in a browser', () => {
  let workspace: HistoryWorkspace;
  let database: { url: string; drop: () => Promise<void> };
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let names: string[];
  const errors: string[] = [];
  const saved = { ...process.env };
  const screenshot = screenshotTaker(`${SCREENSHOT_DIR}-long-history`);

  const rows = () => page.$$eval('section.venture tr[data-migration]', (cells) => cells.map((row) => row.getAttribute('data-migration')!));
  const cell = (row: string, column: number) => page.textContent(`tr[data-migration="${row}"] td:nth-child(${column})`);
  const open = async (url: string) => {
    expect((await page.goto(new URL(url, dashboard.url).toString()))?.status()).toBe(200);
    await page.waitForSelector('body[data-filled="all"]', { timeout: 10 * MINUTES });
  };

  beforeAll(async () => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    workspace = historyWorkspace('trigger-dev');
    names = readMigrationHistory(workspace.migrationsDir).migrations.map((migration) => migration.name);
    database = await createServerDatabase('ui_history');
    process.env[URL_ENV] = database.url;
    const context = { ...executorContext(workspace.dir, workspace.project, workspace.projectRoot), targetName: 'migrate-deploy' };
    expect(await migrateDeployExecutor({ urlEnv: URL_ENV, lockTimeout: 5 }, context)).toEqual({ success: true });
    dashboard = await startDashboard({
      workspaceRoot: workspace.dir,
      ventures: [
        {
          project: workspace.project,
          root: workspace.projectRoot,
          urlEnv: URL_ENV,
          dataDir: path.join(workspace.projectDir, '.forge/pglite'),
          reportDir: path.join(workspace.dir, 'reports/migrate-deploy', workspace.projectRoot),
          backupDir: path.join(workspace.dir, '.forge/backups', workspace.projectRoot),
          testReport: path.join(workspace.dir, 'reports/migrate-test', workspace.projectRoot, 'report.json'),
          environment: 'default',
        },
      ],
      host: '127.0.0.1',
      port: 0,
      cacheDir: SNAPSHOT_CACHE_DIR,
      backupRetention: 10,
      lockTimeoutMs: 1000,
      log: () => undefined,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    page.on('pageerror', (error) => void errors.push(error.message));
  }, 10 * MINUTES);

  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await dashboard?.close();
    process.env = { ...saved };
    await database?.drop();
    workspace?.remove();
  });
  afterEach(() => expect(errors.splice(0)).toEqual([]));

  it('sums the history up at the top and lists one page of it, newest first, within a 1280 px screen', async () => {
    await open(`/v/${workspace.project}`);
    expect(await page.textContent('ul.summary')).toMatch(new RegExp(`^\\s*${names.length} migrations\\s+applied ${names.length}\\b`));
    expect(await rows()).toEqual([...names].reverse().slice(0, PAGE_SIZE));
    expect(await page.textContent('p.list-range')).toBe(`1–${PAGE_SIZE} of ${names.length}, newest first`);
    expect(await page.textContent('nav.pager')).toMatch(`page 1 of ${Math.ceil(names.length / PAGE_SIZE)}`);
    // Every column on screen: nothing runs off to the right.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    const lastColumn = await page.locator('section.venture tr[data-migration] td:last-child').first().boundingBox();
    expect(lastColumn!.x + lastColumn!.width).toBeLessThanOrEqual(1280);
    // The 820 steps of the deploy are counted, not listed.
    expect(await page.locator('ol.timeline li.event').count()).toBeLessThanOrEqual(13);
    expect(await page.textContent('li.event[data-kind="more"]')).toMatch(/more steps \(\d+ migrations applied\)/);
    await screenshot(page, 'long history');

    await page.click('nav.pager a[rel="next"]');
    await page.waitForSelector('body[data-filled="all"]');
    expect(await rows()).toEqual([...names].reverse().slice(PAGE_SIZE, 2 * PAGE_SIZE));
  });

  it('filters by risk and state and finds migrations by name, keeping the filters in the address', async () => {
    await open(`/v/${workspace.project}`);
    const dataLoss = Number((await page.textContent('ul.summary li[data-count="data loss"] strong'))!.trim());
    expect(dataLoss).toBeGreaterThan(0);
    await page.selectOption('form.filters select[name="risk"]', 'data loss');
    await page.fill('form.filters input[name="search"]', 'Waitpoint');
    await page.click('form.filters button[type="submit"]');
    await page.waitForSelector('body[data-filled="all"]');
    expect(new URL(page.url()).searchParams.get('risk')).toBe('data loss');
    const found = await rows();
    expect(found.length).toBeGreaterThan(0);
    for (const name of found) {
      expect(name.toLowerCase()).toContain('waitpoint');
      expect(await cell(name, 6)).toMatch(/data loss/);
    }
    await page.selectOption('form.filters select[name="state"]', 'pending');
    await page.click('form.filters button[type="submit"]');
    await page.waitForSelector('body[data-filled="all"]');
    expect(await rows()).toEqual([]);
    expect(await page.textContent('p.list-range')).toBe('No migration matches.');
  });

  it(
    'shows a migration at once and fills in its diagrams when they are drawn',
    async () => {
      const name = names[names.length - 1];
      const url = `/v/${workspace.project}/m/${encodeURIComponent(name)}`;
      // The page as served: the SQL, and the diagrams still to come.
      const served = await (await fetch(new URL(url, dashboard.url))).text();
      expect(served).toContain('data-fill-url=');
      expect(served).toContain('migration.sql (up)');
      await open(url);
      expect(await page.locator('div.schema[aria-busy]').count()).toBe(0);
      expect(await page.locator('div.schema pre.mermaid svg').count()).toBe(2);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await screenshot(page, 'long history migration');
    },
    10 * MINUTES,
  );
});
