import { logger } from '@nx/devkit';
import { cpSync, readFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import migrateDeployExecutor from '../executors/deploy/executor';
import { launchChromium, screenshotTaker } from '../test-support/browser';
import { createServerDatabase, SNAPSHOT_CACHE_DIR } from '../test-support/databases';
import { executorContext } from '../test-support/executor-context';
import { EXAMPLES_DIR, temporaryDir, type TemporaryProject } from '../test-support/fixtures';
import { seedBillingDatabase, serverRows, serverState } from '../test-support/server-queries';
import { type Dashboard, startDashboard } from './server';
import { writeStaticReport } from './static-report';
import type { VentureConfig } from './ventures';

const EARLY = ['20240101090000_init', '20240215120000_add_customer_preferences'];
const LATER = ['20240310083000_invoice_currency', '20240402100000_rename_amount_to_total', '20240415090000_invoice_audit_trigger'];
const ALL = [...EARLY, ...LATER];
const DEPLOY_LOCK_ID = 72707370;

type Project = 'billing' | 'ledger';

/**
 * The migrate-ui dashboard in a real Chromium (playwright-core, the system's browser), served
 * over two real PostgreSQL databases of the billing example: `billing` holds applied, failed and
 * pending migrations; `ledger` has all five applied and is the one rolled back from the dialog
 * (the rollback core refuses any rollback while a failed migration exists). The tests run in
 * order and share one dashboard, one browser and the databases' state.
 */
describe('migrate-ui dashboard in a browser', () => {
  let workspace: TemporaryProject;
  const databases = {} as Record<Project, { url: string; drop: () => Promise<void> }>;
  const urlEnv: Record<Project | 'offline', string> = {
    billing: 'FORGE_UI_SPEC_BILLING_URL',
    ledger: 'FORGE_UI_SPEC_LEDGER_URL',
    offline: 'FORGE_UI_SPEC_OFFLINE_URL',
  };
  let ventures: VentureConfig[];
  let dashboard: Dashboard;
  let browser: Browser;
  let context: BrowserContext;
  const dashboardLog: string[] = [];
  const saved = { ...process.env };
  let screenshot: ReturnType<typeof screenshotTaker>;

  const migrationsDir = (project: Project) => path.join(workspace.dir, 'apps', project, 'prisma/migrations');
  const sql = <T = Record<string, unknown>>(project: Project, text: string) => serverRows<T>(databases[project].url, text);
  /** `_prisma_migrations` and the schema with every table's rows: what a refused request must leave as it was. */
  const snapshot = async (project: Project) => ({
    migrations: await sql(
      project,
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    ),
    state: await serverState(databases[project].url),
  });
  const secrets = () =>
    [...Object.values(databases).map(({ url }) => url), process.env[urlEnv.offline]!].flatMap((url) => [
      url,
      decodeURIComponent(new URL(url).password),
    ]);
  const expectNoSecret = (text: string) => {
    for (const secret of secrets()) expect(text).not.toContain(secret);
  };
  const api = (pathname: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = dashboard.token, ...rest } = init;
    return fetch(new URL(pathname, dashboard.url), {
      ...rest,
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-forge-token': token }), ...(rest.headers ?? {}) },
    });
  };
  const postRollback = (project: string, migration: string, token?: string | null) =>
    api(`/api/ventures/${project}/rollback`, { method: 'POST', token, body: JSON.stringify({ migration, confirm: migration }) });

  /** A page that records every console error and uncaught exception; `goto` waits until the client script has drawn the diagrams. */
  const pages: Array<{ page: Page; errors: string[] }> = [];
  async function openPage(from: BrowserContext = context): Promise<{ page: Page; errors: string[]; goto: (url: string) => Promise<void> }> {
    const page = await from.newPage();
    const errors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    page.on('pageerror', (error) => void errors.push(error.message));
    pages.push({ page, errors });
    return {
      page,
      errors,
      goto: async (url) => {
        const response = await page.goto(new URL(url, dashboard.url).toString());
        expect(response?.status()).toBe(200);
        await page.waitForSelector('body[data-filled="all"]');
      },
    };
  }
  /** Each migration row's state badge, by migration name, as the page shows them. */
  const badges = (page: Page, scope = 'section.venture') =>
    page.$$eval(`${scope} tr[data-migration]`, (rows) =>
      Object.fromEntries(
        rows.map((row) => [row.getAttribute('data-migration'), row.querySelector('span.badge[data-state]')?.getAttribute('data-state')]),
      ),
    );

  const waitUntil = async (condition: () => Promise<boolean>, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms: ${condition}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    screenshot = screenshotTaker();
    workspace = temporaryDir('forge-dashboard-');
    for (const project of ['billing', 'ledger'] as const) {
      cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps', project), { recursive: true });
      databases[project] = await createServerDatabase(`ui_${project}`);
      process.env[urlEnv[project]] = databases[project].url;
    }
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    const deploy = async (project: Project) =>
      expect(
        await migrateDeployExecutor(
          { urlEnv: urlEnv[project], lockTimeout: 5 },
          executorContext(workspace.dir, project, `apps/${project}`),
        ),
      ).toEqual({ success: true });

    // billing: the first two migrations live with data, a deploy of the next two, the last one
    // pending (it was not in the folder yet), and the deploy's last migration marked failed as an
    // interrupted deploy leaves it (started, never finished).
    await seedBillingDatabase(databases.billing.url, migrationsDir('billing'), LATER);
    renameSync(path.join(migrationsDir('billing'), LATER[2]), path.join(workspace.dir, LATER[2]));
    await deploy('billing');
    renameSync(path.join(workspace.dir, LATER[2]), path.join(migrationsDir('billing'), LATER[2]));
    await sql('billing', `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${LATER[1]}'`);
    // ledger: the same, every migration deployed.
    await seedBillingDatabase(databases.ledger.url, migrationsDir('ledger'), LATER);
    await deploy('ledger');

    // offline: a third venture whose URL names a database that does not exist (the server's password in it).
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/offline'), { recursive: true });
    const missing = new URL(databases.ledger.url);
    missing.pathname = '/forge_ui_spec_missing';
    process.env[urlEnv.offline] = missing.toString();
    // Its deploy is refused: a failed run with a report and a log, which its page shows.
    expect(
      await migrateDeployExecutor({ urlEnv: urlEnv.offline, lockTimeout: 1 }, executorContext(workspace.dir, 'offline', 'apps/offline')),
    ).toEqual({ success: false });

    ventures = (['billing', 'ledger', 'offline'] as const).map((project) => ({
      project,
      root: `apps/${project}`,
      urlEnv: urlEnv[project],
      dataDir: path.join(workspace.dir, 'apps', project, '.forge/pglite'),
      reportDir: path.join(workspace.dir, 'reports/migrate-deploy/apps', project),
      backupDir: path.join(workspace.dir, '.forge/backups/apps', project),
      testReport: path.join(workspace.dir, 'reports/migrate-test/apps', project, 'report.json'),
      environment: 'default',
    }));
    dashboard = await startDashboard({
      workspaceRoot: workspace.dir,
      ventures,
      host: '127.0.0.1',
      port: 0,
      cacheDir: SNAPSHOT_CACHE_DIR,
      backupRetention: 10,
      lockTimeoutMs: 1000,
      log: (line) => void dashboardLog.push(line),
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterEach(async () => {
    // Every page a test opened: no console error, no uncaught exception (Mermaid reports its failures there).
    const opened = pages.splice(0);
    for (const { page } of opened) await page.close();
    expect(opened.flatMap(({ errors }) => errors)).toEqual([]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await dashboard?.close();
    process.env = { ...saved };
    for (const database of Object.values(databases)) await database.drop();
    workspace?.remove();
  });

  it("shows every venture, and each migration's state on the right row: applied, failed, pending", async () => {
    const { page, goto } = await openPage();
    await goto('/');
    const overview = await page.$$eval('tr[data-venture]', (rows) =>
      rows.map((row) => [row.getAttribute('data-venture'), row.querySelector('td:last-child')?.textContent?.trim()]),
    );
    expect(overview).toEqual([
      ['billing', '3 applied · 1 pending · 1 failed · 0 rolled back'],
      ['ledger', '5 applied · 0 pending · 0 failed · 0 rolled back'],
      ['offline', '0 applied · 0 pending · 0 failed · 0 rolled back'],
    ]);
    expect(await page.locator('tr[data-venture="offline"] .badge.bad').textContent()).toBe('unreadable');
    await screenshot(page, 'ventures');

    await page.click('a[href="/v/billing"]');
    await page.waitForSelector('body[data-filled="all"]');
    expect(new URL(page.url()).pathname).toBe('/v/billing');
    expect(await badges(page)).toEqual({
      [EARLY[0]]: 'applied',
      [EARLY[1]]: 'applied',
      [LATER[0]]: 'applied',
      [LATER[1]]: 'failed',
      [LATER[2]]: 'pending',
    });
    // Newest first; a rollback button only on applied migrations.
    expect(await page.$$eval('tr[data-migration]', (rows) => rows.map((row) => row.getAttribute('data-migration')))).toEqual(
      [...ALL].reverse(),
    );
    expect(await page.$$eval('button.rollback', (buttons) => buttons.map((button) => button.getAttribute('data-migration')))).toEqual([
      LATER[0],
      EARLY[1],
      EARLY[0],
    ]);
    // The deploy history: the deploy's run, its events.
    const kinds = await page.$$eval('ol.timeline li.event', (events) => events.map((event) => event.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['deploy_started', 'migration_applied', 'deploy_finished']));
    expect(await page.textContent('p.report')).toMatch(/applied: 20240310083000_invoice_currency, 20240402100000_rename_amount_to_total/);
    await screenshot(page, 'venture billing');

    const { page: ledger, goto: gotoLedger } = await openPage();
    await gotoLedger('/v/ledger');
    expect(await badges(ledger)).toEqual(Object.fromEntries(ALL.map((name) => [name, 'applied'])));
    expect(await ledger.locator('button.rollback').count()).toBe(5);

    // Drift, made by hand: the page comes without it, and the client fills it in once measured.
    await sql('ledger', 'CREATE TABLE "HandMade" (id int)');
    try {
      const served = await (await api('/v/ledger')).text();
      expect(served).toContain('data-fill-url="/api/ventures/ledger/drift"');
      expect(served).not.toContain('Drift:');
      // No diagrams, no Mermaid to load; a migration's page has them.
      expect(served).not.toContain('mermaid.min.js');
      expect(await (await api(`/v/ledger/m/${LATER[0]}`)).text()).toContain('<script src="/assets/mermaid.min.js">');
      await gotoLedger('/v/ledger');
      expect(await ledger.textContent('.drift details.error summary')).toMatch(/^Drift: the live database differs from its migrations/);
      expect(await ledger.textContent('.drift details.error pre')).toMatch(/CREATE TABLE "(public"\.")?HandMade"/);
    } finally {
      await sql('ledger', 'DROP TABLE "HandMade"');
    }
    await gotoLedger('/v/ledger');
    expect(await ledger.locator('.drift').textContent()).toBe('');

    // A database that cannot be read: said so, every state unknown, no rollback offered.
    const { page: offline, goto: gotoOffline } = await openPage();
    await gotoOffline('/v/offline');
    expect(await offline.textContent('p.error[role="alert"]')).toMatch(/The database could not be read: .*forge_ui_spec_missing/);
    expect(Object.values(await badges(offline))).toEqual(ALL.map(() => 'unknown'));
    expect(await offline.locator('button.rollback').count()).toBe(0);
    // Its last deploy failed: the report, and the end of the run's log.
    expect(await offline.textContent('p.report')).toMatch(/refused/);
    expect(await offline.textContent('details.log pre')).toMatch(
      /migrate-deploy offline \(default\) on the database in FORGE_UI_SPEC_OFFLINE_URL\n.*migrate-deploy offline: refused$/s,
    );
    for (const shown of [page, ledger, offline]) expectNoSecret(await shown.content());
  });

  it("draws each migration's before/after diagrams as SVG, the SQL up and down side by side", async () => {
    const { page, goto } = await openPage();
    for (const name of ALL) {
      await goto(`/v/ledger/m/${name}`);
      expect(await page.textContent('h1')).toBe(name);
      expect(await page.locator('pre.mermaid').count()).toBe(2);
      expect(await page.locator('pre.mermaid > svg').count()).toBe(2);
      expect(await page.locator('.diagram-error').count()).toBe(0);
      expect(await page.locator('.side-by-side:not(.diagrams) figure pre').count()).toBe(2);
    }
    await goto(`/v/ledger/m/${LATER[0]}`);
    const [before, after] = await page.$$eval('pre.mermaid svg', (svgs) => svgs.map((svg) => svg.textContent ?? ''));
    expect(before).toContain('Invoice');
    expect(before).not.toContain('currency');
    expect(after).toContain('currency');
    expect(await page.textContent('ul.schema-changes')).toMatch(/added\s+Invoice\.currency/);
    const [up, down] = await page.$$eval('.side-by-side:not(.diagrams) figure pre', (blocks) =>
      blocks.map((block) => block.textContent ?? ''),
    );
    expect(up).toMatch(/ADD COLUMN\s+"currency"/);
    expect(down).toMatch(/DROP COLUMN\s+"currency"/);
    expectNoSecret(await page.content());
    await screenshot(page, 'migration with diagrams');
  });

  it(
    'refuses bad rollback requests over HTTP, changing nothing: no token, a wrong token, an ' +
      'unknown migration, a failed migration, a deploy holding the lock',
    async () => {
      const before = { billing: await snapshot('billing'), ledger: await snapshot('ledger') };
      const refused = async (response: Response, status: number, message: RegExp) => {
        const text = await response.text();
        expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({
          status,
          type: 'application/json; charset=utf-8',
        });
        expect(JSON.parse(text).error).toMatch(message);
        expectNoSecret(text);
      };

      await refused(await postRollback('ledger', LATER[2], null), 403, /needs the session token/);
      await refused(await postRollback('ledger', LATER[2], 'f'.repeat(dashboard.token.length)), 403, /needs the session token/);
      await refused(await postRollback('ledger', LATER[2], 'wrong'), 403, /needs the session token/);
      await refused(await api(`/api/ventures/ledger/impact?migration=${LATER[2]}`, { token: null }), 403, /needs the session token/);
      await refused(
        await postRollback('ledger', '20990101000000_nope'),
        404,
        /ledger has no migration 20990101000000_nope: nothing was rolled back/,
      );
      await refused(await postRollback('nope', LATER[2]), 404, /There is no venture nope/);
      await refused(
        await api('/api/ventures/ledger/rollback', { method: 'POST', body: JSON.stringify({ migration: LATER[2], confirm: LATER[1] }) }),
        400,
        /migration's name typed as the confirmation/,
      );
      // billing holds a failed migration: the rollback core refuses it, in the impact and in the request itself (422), and no job starts.
      const failedRow = new RegExp(`${LATER[1]} failed or was interrupted in an earlier deploy: nothing was rolled back`);
      await refused(await api(`/api/ventures/billing/impact?migration=${LATER[0]}`), 422, failedRow);
      await refused(await postRollback('billing', LATER[0]), 422, failedRow);
      await refused(await api('/api/jobs/nope', { token: null }), 403, /needs the session token/);

      const holder = new pg.Client(databases.ledger.url);
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock(${DEPLOY_LOCK_ID})`);
        await refused(
          await postRollback('ledger', LATER[2]),
          409,
          /Another deploy or rollback \(or prisma migrate deploy\) is running on .*nothing was done/,
        );
        await refused(await api(`/api/ventures/ledger/impact?migration=${LATER[2]}`), 409, /Another deploy or rollback .* is running/);
      } finally {
        await holder.end();
      }

      expect({ billing: await snapshot('billing'), ledger: await snapshot('ledger') }).toEqual(before);
      expect(await sql('ledger', "SELECT count(*)::int AS n FROM forge_migrations.events WHERE kind LIKE 'rollback%'")).toEqual([{ n: 0 }]);
      // With the lock free again, the same request would be accepted: the refusals above were the lock's.
      const impact = await api(`/api/ventures/ledger/impact?migration=${LATER[2]}`);
      expect(impact.status).toBe(200);
      expect((await impact.json()).impact.join('\n')).toContain(LATER[2]);
    },
  );

  it('answers only to its own address (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.get(
        new URL('/', dashboard.url),
        { headers: { host: `attacker.example:${new URL(dashboard.url).port}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('rolls back from the dialog, driven from the keyboard: the exact name enables the button, Escape closes it unless the rollback runs', async () => {
    const before = await snapshot('ledger');
    const { page, goto } = await openPage();
    await goto('/v/ledger');
    const dialog = page.locator('dialog#rollback-dialog');
    const field = page.locator('#rollback-confirm');
    const confirm = dialog.locator('button.confirm');
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        return element
          ? `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}` +
              `${element.className ? `.${element.className.split(' ').join('.')}` : ''}` +
              `${element.dataset['migration'] ? `[${element.dataset['migration']}]` : ''}`
          : '';
      });
    const openDialog = async () => {
      // From the migration's link, Tab reaches its row's rollback button; Enter opens the dialog.
      await page.focus(`tr[data-migration="${LATER[1]}"] a`);
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(`button.rollback[${LATER[1]}]`);
      await page.keyboard.press('Enter');
      await expectOpen(true);
      expect(await dialog.locator('.target').textContent()).toBe(LATER[1]);
      // The impact first; then the field takes the focus.
      await page.waitForFunction(() => document.activeElement?.id === 'rollback-confirm');
    };
    const expectOpen = async (open: boolean) => expect(await dialog.evaluate((element) => (element as HTMLDialogElement).open)).toBe(open);

    await openDialog();
    const impact = (await dialog.locator('pre.impact').textContent()) ?? '';
    // Rolling back a migration undoes every later one too, newest first.
    expect(impact.indexOf(LATER[2])).toBeGreaterThanOrEqual(0);
    expect(impact.indexOf(LATER[1])).toBeGreaterThan(impact.indexOf(LATER[2]));
    expect(impact).not.toContain(LATER[0] + ' ');
    expect(await dialog.locator('.impact-status').textContent()).toMatch(/Latest backup: \.forge\/backups\/apps\/ledger\//);
    expect(await confirm.isDisabled()).toBe(true);
    await screenshot(page, 'rollback dialog with impact');

    // Only the exact name enables the button: not another migration's, not a prefix, not with a space.
    for (const wrong of [LATER[2], LATER[1].slice(0, -1), `${LATER[1]} `, LATER[1].toUpperCase()]) {
      await field.fill('');
      await page.keyboard.type(wrong);
      expect(await confirm.isDisabled()).toBe(true);
    }
    await field.fill('');
    await page.keyboard.type(LATER[1]);
    expect(await confirm.isDisabled()).toBe(false);
    await page.keyboard.press('Backspace');
    expect(await confirm.isDisabled()).toBe(true);

    // Escape closes it while nothing runs; nothing was rolled back.
    await page.keyboard.press('Escape');
    await expectOpen(false);
    expect(await snapshot('ledger')).toEqual(before);

    // Opened again: a fresh confirmation. Enter with a wrong name does nothing (the dialog stays open).
    await openDialog();
    expect(await field.inputValue()).toBe('');
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.type(LATER[2]);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    await expectOpen(true);
    expect(await dialog.locator('pre.progress').isHidden()).toBe(true);
    await field.fill('');
    await page.keyboard.type(LATER[1]);
    // Tab goes from the field to Cancel, then to the enabled button; Shift+Tab back to the field.
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('button.cancel');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('button.confirm.danger');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('input#rollback-confirm');

    // A session holding a lock the first down needs keeps the rollback running while the dialog is tried.
    const blocker = new pg.Client(databases.ledger.url);
    await blocker.connect();
    let blocking = true;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE "Invoice" IN ROW EXCLUSIVE MODE');
      await page.keyboard.press('Enter');
      // Running: the backup is taken, the first down waits for the lock.
      await waitUntil(
        async () =>
          (
            await sql<{ n: number }>(
              'ledger',
              'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = \'"Invoice"\'::regclass',
            )
          )[0].n > 0,
      );
      expect(await dialog.locator('pre.progress').isVisible()).toBe(true);
      expect(await field.isDisabled()).toBe(true);
      expect(await confirm.isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.locator('button.cancel').click();
      await page.waitForTimeout(900); // two polls of the job
      await expectOpen(true);
      expect(await dialog.getAttribute('data-result')).toBeNull();
      await blocker.query('COMMIT');
      blocking = false;
    } finally {
      if (blocking) await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    await page.waitForSelector('dialog#rollback-dialog[data-result="ok"]');
    expect(await dialog.locator('.impact-status').textContent()).toBe('Rolled back.');
    expect(await dialog.locator('pre.progress').textContent()).toContain(LATER[1]);

    // The page reloads by itself and shows both as rolled back; the database agrees.
    await page.waitForSelector(`tr[data-migration="${LATER[1]}"] span.badge[data-state="rolled back"]`);
    await page.waitForSelector('body[data-filled="all"]');
    expect(await dialog.getAttribute('data-result')).toBeNull(); // a new page
    expect(await badges(page)).toEqual({
      [EARLY[0]]: 'applied',
      [EARLY[1]]: 'applied',
      [LATER[0]]: 'applied',
      [LATER[1]]: 'rolled back',
      [LATER[2]]: 'rolled back',
    });
    expect(await page.$$eval('button.rollback', (buttons) => buttons.map((button) => button.getAttribute('data-migration')))).toEqual([
      LATER[0],
      EARLY[1],
      EARLY[0],
    ]);
    // The timeline: the rollback is the newest run, its events in the order they happened.
    const newestRun = await page.$$eval('ol.timeline > li.run:first-child li.event', (events) =>
      events.map((event) => [event.getAttribute('data-kind'), event.textContent]),
    );
    expect(newestRun.map(([kind]) => kind)).toEqual([
      'rollback_started',
      'backup_taken',
      'migration_rolled_back',
      'migration_rolled_back',
      'rollback_finished',
    ]);
    expect(newestRun[2][1]).toContain(LATER[2]);
    expect(newestRun[3][1]).toContain(LATER[1]);
    await screenshot(page, 'after rollback');
    expect(
      await sql(
        'ledger',
        'SELECT migration_name, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations ORDER BY migration_name',
      ),
    ).toEqual(ALL.map((name) => ({ migration_name: name, rolled_back: name === LATER[1] || name === LATER[2] })));
    expect(
      await sql(
        'ledger',
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'Invoice' AND column_name IN ('amountCents', 'totalCents')`,
      ),
    ).toEqual([{ column_name: 'amountCents' }]);
    expect(dashboardLog.join('\n')).toMatch(new RegExp(`migrate-ui ledger: .*${LATER[1]}`));
    expectNoSecret(await page.content());
    expectNoSecret(dashboardLog.join('\n'));
  });

  it('exports a static report that opens from file:// with the same migrations in the same states, diagrams drawn, no secret', async () => {
    const served: Record<string, Record<string, unknown>> = {};
    const { page, goto } = await openPage();
    for (const project of ['billing', 'ledger']) {
      await goto(`/v/${project}`);
      served[project] = await badges(page);
    }
    expect(served['ledger']).toEqual({
      [EARLY[0]]: 'applied',
      [EARLY[1]]: 'applied',
      [LATER[0]]: 'applied',
      [LATER[1]]: 'rolled back',
      [LATER[2]]: 'rolled back',
    });

    const file = await writeStaticReport({
      workspaceRoot: workspace.dir,
      ventures: ventures.slice(0, 2),
      cacheDir: SNAPSHOT_CACHE_DIR,
      dir: path.join(workspace.dir, 'reports/migrate-ui'),
      lockTimeoutMs: 1000,
    });
    const text = readFileSync(file, 'utf8');
    expectNoSecret(text);
    expect(text).not.toContain(dashboard.token);

    const { page: report } = await openPage();
    await report.goto(pathToFileURL(file).toString());
    await report.waitForSelector('body[data-filled="all"]', { timeout: 30_000 });
    for (const project of ['billing', 'ledger'])
      expect(await badges(report, `section.venture[data-venture="${project}"]`)).toEqual(served[project]);
    expect(await report.$$eval('tr[data-venture]', (rows) => rows.map((row) => row.getAttribute('data-venture')))).toEqual([
      'billing',
      'ledger',
    ]);
    // Nothing to act with; every diagram drawn; every link an anchor of the file.
    expect(await report.locator('button.rollback, dialog, meta[name="forge-token"]').count()).toBe(0);
    expect(await report.locator('pre.mermaid').count()).toBe(2 * 2 * ALL.length);
    expect(await report.locator('pre.mermaid > svg').count()).toBe(2 * 2 * ALL.length);
    expect(await report.locator('.diagram-error').count()).toBe(0);
    const anchors = await report.$$eval('a[href]', (links) =>
      links.map((link) => [
        link.getAttribute('href'),
        link.getAttribute('href')!.startsWith('#') && document.getElementById(link.getAttribute('href')!.slice(1)) !== null,
      ]),
    );
    expect(anchors.filter(([, found]) => !found)).toEqual([]);
    await report.click(`section.venture[data-venture="ledger"] a[href$="${LATER[1]}"]`);
    expect(new URL(report.url()).hash).toBe(`#m-ledger-${LATER[1]}`);
    expect(
      await report.locator(`section.migration[data-venture="ledger"][data-migration="${LATER[1]}"] .meta .badge[data-state]`).textContent(),
    ).toBe('rolled back');
    await report.evaluate(() => window.scrollTo(0, 0));
    await screenshot(report, 'static export');
  });

  it('fits a 390 px wide screen: no sideways scrolling, side-by-side blocks stacked', async () => {
    const narrow = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    try {
      const { page, goto } = await openPage(narrow);
      const overflow = () => page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
      for (const url of ['/', '/v/billing', `/v/billing/m/${LATER[0]}`]) {
        await goto(url);
        // A mobile browser widens its layout viewport to overflowing content: innerWidth stays 390 only when nothing overflows.
        const { scrollWidth, innerWidth } = await overflow();
        expect({ url, innerWidth, overflows: scrollWidth > innerWidth }).toEqual({ url, innerWidth: 390, overflows: false });
      }
      // On the migration page: the up and down SQL, then the before and after diagrams, one under the other.
      const stacks = await page.$$eval('.side-by-side', (blocks) =>
        blocks.map((block) => {
          const [first, second] = Array.from(block.querySelectorAll(':scope > figure')).map((figure) => figure.getBoundingClientRect());
          return {
            sameLeft: Math.abs(first.left - second.left) < 1,
            below: second.top >= first.bottom,
            fits: Math.max(first.right, second.right) <= 390,
          };
        }),
      );
      expect(stacks).toEqual([
        { sameLeft: true, below: true, fits: true },
        { sameLeft: true, below: true, fits: true },
      ]);
      expect(await page.locator('pre.mermaid > svg').count()).toBe(2);
      await screenshot(page, 'migration on a narrow screen');
    } finally {
      await narrow.close();
    }
  });

  it('never serves the database URL or its password: pages, error pages, API answers', async () => {
    const bodies: string[] = [];
    const get = async (pathname: string, status: number) => {
      const response = await api(pathname);
      expect({ pathname, status: response.status }).toEqual({ pathname, status });
      bodies.push(await response.text());
    };
    await get('/', 200);
    for (const project of ['billing', 'ledger', 'offline']) {
      await get(`/v/${project}`, 200);
      await get(`/api/ventures/${project}/revision`, project === 'offline' ? 422 : 200);
    }
    for (const name of ALL) await get(`/v/billing/m/${name}`, 200);
    await get('/v/billing/m/20990101000000_nope', 404);
    await get(`/api/ventures/billing/impact?migration=${LATER[0]}`, 422);
    await get(`/api/ventures/ledger/impact?migration=${LATER[0]}`, 200);
    await get(`/api/ventures/offline/impact?migration=${LATER[0]}`, 422);
    expect(bodies.join('\n')).toContain('forge_ui_spec_missing');
    for (const body of bodies) expectNoSecret(body);
  });
});
