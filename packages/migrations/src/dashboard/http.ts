import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, isForgeError } from '../core/errors';
import { redact } from '../core/redact';

/** A refusal with the HTTP status that answers it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Reply {
  status: number;
  type: string;
  body: string;
  cache?: boolean;
}

export type Route = [string, RegExp, (match: string[], request: http.IncomingMessage, url: URL) => Promise<Reply>];

export interface Served {
  url: string;
  close(): Promise<void>;
}

export function htmlReply(body: string, status = 200): Reply {
  return { status, type: 'text/html; charset=utf-8', body };
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/**
 * Serve `routes`: requests for another Host are refused (DNS rebinding), every API request needs
 * the session token, and no reply shows a secret.
 */
export async function serve(
  routes: readonly Route[],
  how: {
    host: string;
    port: number;
    token: string;
    secrets: string[];
    errorPage(message: string, status: number): Reply;
    log: (line: string) => void;
  },
): Promise<Served> {
  const server = http.createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', 'http://dashboard');
      if (!allowedHost(request.headers.host, how.host, (server.address() as AddressInfo).port))
        throw new HttpError(403, 'This dashboard answers only to its own address.');
      if (url.pathname.startsWith('/api/') && !tokenMatches(request.headers['x-forge-token'], how.token)) {
        throw new HttpError(403, 'This request needs the session token of the dashboard page: reload the page. Nothing was changed.');
      }
      const route = routes.find(([method, pattern]) => method === request.method && pattern.test(url.pathname));
      if (!route) throw new HttpError(404, `Nothing here: ${request.method} ${url.pathname}`);
      const match = (route[1].exec(url.pathname) ?? []).slice(1).map((part) => decodeURIComponent(part));
      reply = await route[2](match, request, url);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : isForgeError(error) ? (error.code === 'DEPLOY_LOCKED' ? 409 : 422) : 500;
      const message = redact(error instanceof HttpError ? error.message : describeError(error), how.secrets);
      if (status === 500) how.log(`migrate-ui: ${message}`);
      reply = request.url?.startsWith('/api/') ? jsonReply(status, { error: message }) : how.errorPage(message, status);
    }
    const body = redact(reply.body, how.secrets);
    response.writeHead(reply.status, {
      'content-type': reply.type,
      'cache-control': reply.cache ? 'max-age=3600' : 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy':
        "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src " +
        "'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'; frame-ancestors 'none'",
    });
    response.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(how.port, how.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
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
