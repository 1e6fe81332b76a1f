import { randomBytes } from 'node:crypto';
import { loadSqlParser } from '../core/sql/parser';
import { page } from './html/page';
import { html } from './html/template';
import type { RenderMode } from './html/links';
import { htmlReply, serve } from './http';
import { RollbackJobs } from './rollback-jobs';
import { dashboardRoutes } from './routes';
import { type VentureConfig, ventureSecrets } from './ventures';

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

/**
 * The local dashboard: pages rendered on the server from the ventures' files and databases,
 * a JSON API for the rollback dialog. Loopback only by default; every API request needs the
 * session token the pages carry; requests for another Host are refused (DNS rebinding).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const parser = await loadSqlParser();
  const token = randomBytes(24).toString('hex');
  const mode: RenderMode = { kind: 'server', token };
  const secrets = ventureSecrets(options.ventures);
  const rollbacks = new RollbackJobs({ ...options, secrets, parser });
  const served = await serve(dashboardRoutes(parser, options, mode, rollbacks), {
    host: options.host,
    port: options.port,
    token,
    secrets,
    errorPage: (message, status) => htmlReply(page('Error', html`<p class="error" role="alert">${message}</p>`, mode), status),
    log: options.log,
  });
  return { ...served, token };
}
