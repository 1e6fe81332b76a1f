import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describeError, isForgeError } from '../core/errors';
import { redact } from '../core/redact';
import { loadSqlParser } from '../core/sql/parser';
import { backupRecords, latestEventId } from '../runner/deploy/event-store';
import { readAppliedState } from '../runner/deploy/applied-state';
import { rollback } from '../runner/deploy/rollback';
import { assets, page } from './html/page';
import { html, type Safe } from './html/template';
import { migrationPage, overview, type RenderMode, schemaSection, venturePage } from './html/views';
import { listMigrations, readListQuery } from './migration-list';
import { readVenture, type VentureSource } from './read-venture';
import { rollbackSelector } from './rollback-selector';
import { migrationDiagrams, schemaStates, statesAround } from './schema-states';
import type { MigrationDiagrams } from './venture-view';
import { openVentureTarget, type VentureConfig, ventureSecrets, ventureSource } from './ventures';
import { readTestReport } from '../store/test-report-file';

export interface DashboardOptions {
  workspaceRoot: string;
  ventures: VentureConfig[];
  host: string;
  /** 0: a free port. */
  port: number;
  cacheDir: string;
  backupRetention: number;
  /** How long a rollback waits for a deploy that holds the lock before it is refused. */
  lockTimeoutMs: number;
  log: (line: string) => void;
}

export interface Dashboard {
  url: string;
  token: string;
  close(): Promise<void>;
}

interface Job {
  lines: string[];
  done: boolean;
  ok?: boolean;
  error?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The local dashboard: pages rendered on the server from the ventures' files and databases,
 * a JSON API for the rollback dialog. Loopback only by default; every API request needs the
 * session token the pages carry; requests for another Host are refused (DNS rebinding).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  await loadSqlParser();
  const token = randomBytes(24).toString('hex');
  const mode: RenderMode = { kind: 'server', token };
  const secrets = ventureSecrets(options.ventures);
  const jobs = new Map<string, Job>();
  const diagramCache = new Map<string, Promise<MigrationDiagrams>>();
  const running = new Set<string>();

  const venture = (project: string) => {
    const found = options.ventures.find((candidate) => candidate.project === project);
    if (!found) throw new HttpError(404, `There is no venture ${project} in this workspace.`);
    return found;
  };
  const read = async (config: VentureConfig) => {
    const source = await ventureSource(options.workspaceRoot, config);
    return { source, view: await readVenture(source, () => openVentureTarget(config, source, options.cacheDir, { lock: false, lockTimeoutMs: options.lockTimeoutMs })) };
  };
  /** One migration's diagrams, kept for as long as the migrations up to it are unchanged. */
  const diagramsOf = (source: VentureSource, index: number) => {
    const key = `${source.project}\0${source.history.migrations
      .slice(0, index + 1)
      .map((migration) => migration.checksum)
      .join()}`;
    if (!diagramCache.has(key)) {
      const states = schemaStates(source.history, source.schema, source.layout.projectRoot, options.cacheDir, statesAround(index));
      const diagrams = states
        .then((read) => migrationDiagrams(read, index))
        .catch((error: unknown) => {
          // A failure (the scratch database would not start) is not kept: the next view tries again.
          diagramCache.delete(key);
          throw error;
        });
      diagramCache.set(key, diagrams);
    }
    return diagramCache.get(key)!;
  };
  const migrationIndex = (source: VentureSource, project: string, name: string) => {
    const index = source.history.migrations.findIndex((migration) => migration.name === name);
    if (index < 0) throw new HttpError(404, `${project} has no migration ${name}.`);
    return index;
  };

  const routes: Array<[string, RegExp, (match: string[], request: http.IncomingMessage, url: URL) => Promise<Reply>]> = [
    ['GET', /^\/$/, async () => htmlReply(page('Ventures', overview(await Promise.all(options.ventures.map(async (config) => (await read(config)).view)), mode), mode))],
    [
      'GET',
      /^\/v\/([^/]+)$/,
      async ([project], _request, url) => {
        const { view } = await read(venture(project));
        return htmlReply(page(view.project, venturePage(view, mode, listMigrations(view.migrations, readListQuery(url.searchParams))), mode));
      },
    ],
    [
      'GET',
      /^\/v\/([^/]+)\/m\/([^/]+)$/,
      async ([project, name]) => {
        const { source, view } = await read(venture(project));
        const index = migrationIndex(source, project, name);
        const diagrams = { url: `/api/ventures/${encodeURIComponent(project)}/diagrams?migration=${encodeURIComponent(name)}` };
        // Drawn ahead, while the page is read: the first view of a long history's migration needs the history applied.
        void diagramsOf(source, index).catch(() => undefined);
        return htmlReply(page(`${name} · ${project}`, migrationPage(view, view.migrations[index], diagrams, mode), mode));
      },
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/diagrams$/,
      async ([project], _request, url) => {
        const source = await ventureSource(options.workspaceRoot, venture(project));
        const index = migrationIndex(source, project, url.searchParams.get('migration') ?? '');
        return jsonReply(200, { html: schemaSection(await diagramsOf(source, index)).toString() });
      },
    ],
    ['GET', /^\/assets\/mermaid\.min\.js$/, async () => ({ status: 200, type: 'text/javascript; charset=utf-8', body: assets().mermaid, cache: true })],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/revision$/,
      async ([project]) => {
        const config = venture(project);
        const source = await ventureSource(options.workspaceRoot, config);
        const target = await openVentureTarget(config, source, options.cacheDir, { lock: false, lockTimeoutMs: 500 });
        try {
          const state = await readAppliedState(target.database);
          const latest = await latestEventId(target.database);
          return jsonReply(200, { revision: JSON.stringify([state.rows.map((row) => [row.migration_name, row.finished_at, row.rolled_back_at]), latest, await target.deployRunning(), source.history.migrations.length]) });
        } finally {
          await target.close();
        }
      },
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/impact$/,
      async ([project], _request, url) => {
        const config = venture(project);
        const migration = url.searchParams.get('migration') ?? '';
        let impact: string[] = [];
        const backups = await withRollbackTarget(config, migration, async (input) => {
          // Declined at the confirmation: the core plans and refuses exactly as it would, and changes nothing.
          const decline = async (lines: string[]) => {
            impact = lines;
            return false;
          };
          await rollback({ ...input, confirm: decline });
          return (await backupRecords(input.target.database, 3)).map((record) => path.relative(options.workspaceRoot, record.file));
        });
        return jsonReply(200, { impact, backups });
      },
    ],
    [
      'POST',
      /^\/api\/ventures\/([^/]+)\/rollback$/,
      async ([project], request) => {
        const config = venture(project);
        const body = await readJson(request);
        const migration = typeof body['migration'] === 'string' ? body['migration'] : '';
        if (body['confirm'] !== migration || !migration) throw new HttpError(400, 'The rollback needs the migration\'s name typed as the confirmation: nothing was rolled back.');
        if (running.has(project)) throw new HttpError(409, `A rollback of ${project} is already running from this dashboard: nothing else was done.`);
        const id = randomUUID();
        const job: Job = { lines: [], done: false };
        // The lock is taken before answering: a deploy that holds it refuses the rollback here, with nothing changed.
        running.add(project);
        try {
          const { done } = await startRollback(config, migration, job);
          void done.finally(() => running.delete(project));
        } catch (error) {
          running.delete(project);
          throw error;
        }
        jobs.set(id, job);
        return jsonReply(202, { job: id });
      },
    ],
    [
      'GET',
      /^\/api\/jobs\/([^/]+)$/,
      async ([id]) => {
        const job = jobs.get(id);
        if (!job) throw new HttpError(404, `No rollback ${id} was started by this dashboard.`);
        return jsonReply(200, job);
      },
    ],
  ];

  /** Open the venture's database under the deploy lock, with what the rollback core needs, and close it after `work`. */
  async function withRollbackTarget<T>(config: VentureConfig, migration: string, work: (input: Omit<Parameters<typeof rollback>[0], 'confirm'>) => Promise<T>): Promise<T> {
    const source = await ventureSource(options.workspaceRoot, config);
    if (!source.history.migrations.some((candidate) => candidate.name === migration)) throw new HttpError(404, `${config.project} has no migration ${migration}: nothing was rolled back.`);
    const target = await openVentureTarget(config, source, options.cacheDir, { lock: true, lockTimeoutMs: options.lockTimeoutMs });
    try {
      const state = await readAppliedState(target.database);
      return await work({
        project: config.project,
        workspaceRoot: options.workspaceRoot,
        environment: config.environment,
        target,
        history: source.history,
        backupDir: config.backupDir,
        backupRetention: options.backupRetention,
        selector: rollbackSelector(source.history.migrations, state.applied, migration),
        testReport: readTestReport(config.testReport),
        log: () => undefined,
      });
    } finally {
      await target.close();
    }
  }

  /** Resolves once the rollback holds the lock and its plan stands (or throws: refused); `done` settles when it ends. */
  async function startRollback(config: VentureConfig, migration: string, job: Job): Promise<{ done: Promise<void> }> {
    let locked!: () => void;
    let refused!: (error: unknown) => void;
    const holding = new Promise<void>((resolve, reject) => ([locked, refused] = [resolve, reject]));
    const done = withRollbackTarget(config, migration, async (input) => {
      const log = (line: string) => {
        job.lines.push(redact(line, secrets));
        options.log(`migrate-ui ${config.project}: ${redact(line, secrets)}`);
      };
      // The request is answered once the core holds the lock and accepted the plan: its refusals answer it instead.
      const confirm = async (impact: string[]) => {
        impact.forEach(log);
        locked();
        return true;
      };
      const result = await rollback({ ...input, log, confirm });
      Object.assign(job, { done: true, ok: result.ok, error: result.error && redact(result.error, secrets) });
    }).catch((error) => {
      refused(error);
      Object.assign(job, { done: true, ok: false, error: redact(describeError(error), secrets) });
    });
    await holding;
    return { done };
  }

  const server = http.createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', 'http://dashboard');
      if (!allowedHost(request.headers.host, options.host, (server.address() as AddressInfo).port)) throw new HttpError(403, 'This dashboard answers only to its own address.');
      if (url.pathname.startsWith('/api/') && !tokenMatches(request.headers['x-forge-token'], token)) {
        throw new HttpError(403, 'This request needs the session token of the dashboard page: reload the page. Nothing was changed.');
      }
      const route = routes.find(([method, pattern]) => method === request.method && pattern.test(url.pathname));
      if (!route) throw new HttpError(404, `Nothing here: ${request.method} ${url.pathname}`);
      const match = (route[1].exec(url.pathname) ?? []).slice(1).map((part) => decodeURIComponent(part));
      reply = await route[2](match, request, url);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : isForgeError(error) ? (error.code === 'DEPLOY_LOCKED' ? 409 : 422) : 500;
      const message = redact(error instanceof HttpError ? error.message : describeError(error), secrets);
      if (status === 500) options.log(`migrate-ui: ${message}`);
      reply = request.url?.startsWith('/api/') ? jsonReply(status, { error: message }) : htmlReply(page('Error', errorBody(message), mode), status);
    }
    const body = redact(reply.body, secrets);
    response.writeHead(reply.status, {
      'content-type': reply.type,
      'cache-control': reply.cache ? 'max-age=3600' : 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'; frame-ancestors 'none'",
    });
    response.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Reply {
  status: number;
  type: string;
  body: string;
  cache?: boolean;
}

function htmlReply(body: string, status = 200): Reply {
  return { status, type: 'text/html; charset=utf-8', body };
}

function jsonReply(status: number, value: unknown): Reply {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

function errorBody(message: string): Safe {
  return html`<p class="error" role="alert">${message}</p>`;
}

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 65_536) throw new HttpError(413, 'The request is too large.');
  }
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'The request body must be a JSON object: nothing was done.');
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

function allowedHost(header: string | undefined, host: string, port: number): boolean {
  if (!header) return false;
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]);
  return [...names].some((name) => header === `${name}:${port}`);
}
