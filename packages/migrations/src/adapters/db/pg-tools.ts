import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ForgeError } from '../../core/errors';
import { schemaSessionOptions, ventureSchema } from './venture-schema';

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

const execFileAsync = promisify(execFile);

/** Where Debian, RPM and Homebrew put PostgreSQL's client programs, newest version first. */
function wellKnownDirs(): string[] {
  const versioned = (root: string, suffix: string) =>
    existsSync(root)
      ? readdirSync(root)
          .filter((name) => /^\d+$/.test(name.replace(/^pgsql-/, '')))
          .sort((a, b) => Number(b.replace(/^pgsql-/, '')) - Number(a.replace(/^pgsql-/, '')))
          .map((name) => path.join(root, name, suffix))
      : [];
  return [
    ...versioned('/usr/lib/postgresql', 'bin'),
    ...versioned('/usr', 'bin').filter((dir) => dir.includes('pgsql-')),
    '/usr/local/pgsql/bin',
    '/opt/homebrew/bin',
    '/usr/local/bin',
  ];
}

/**
 * A PostgreSQL client program: from `pgBinDir` when given, else the PATH, else the usual
 * install folders. Its major version must be at least the server's, as pg_dump requires.
 */
export async function findPgTool(tool: PgTool, serverMajor: number, pgBinDir?: string): Promise<string> {
  const candidates = pgBinDir
    ? [path.join(pgBinDir, tool)]
    : [...pathDirs().map((dir) => path.join(dir, tool)), ...wellKnownDirs().map((dir) => path.join(dir, tool))];
  const found = candidates.filter((file) => existsSync(file));
  if (found.length === 0) {
    throw new ForgeError(
      'PG_TOOL_MISSING',
      `${tool} was not ` +
        `found ${pgBinDir ? `in pgBinDir (${pgBinDir})` : 'on the PATH or in the usual PostgreSQL folders'}, ` +
        `so no backup can be taken and nothing was applied.`,
      `Install PostgreSQL's client programs (version ${serverMajor} or newer, e.g. apt install ` +
        `postgresql-client-${serverMajor}), or point the option pgBinDir at them.`,
    );
  }
  for (const file of found) if ((await majorVersion(file)) >= serverMajor) return file;
  throw new ForgeError(
    'PG_TOOL_MISSING',
    `${tool} ${(await Promise.all(found.map(majorVersion))).join(', ')} found, but the server is ` +
      `PostgreSQL ${serverMajor}: ${tool} must be as new as the server. Nothing was applied.`,
    `Install PostgreSQL ${serverMajor}'s client programs, or point the option pgBinDir at them.`,
  );
}

/**
 * Start finding the programs a backup and a restore run, in the background, for when they are
 * needed: each asks its version (Debian's wrapper alone takes a good part of a second).
 */
export function warmPgTools(serverMajor: number, pgBinDir?: string): void {
  for (const tool of ['pg_dump', 'pg_restore', 'psql'] as const) void findPgTool(tool, serverMajor, pgBinDir).catch(() => undefined);
}

function pathDirs(): string[] {
  return (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
}

const majorVersions = new Map<string, Promise<number>>();

function majorVersion(file: string): Promise<number> {
  let major = majorVersions.get(file);
  if (major === undefined) {
    major = execFileAsync(file, ['--version'], { encoding: 'utf8' }).then(
      ({ stdout }) => Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1] ?? 0),
      () => 0,
    );
    majorVersions.set(file, major);
  }
  return major;
}

/**
 * The connection as libpq environment variables: the password never appears on a command line
 * (where `ps` would show it). A venture's schema rides along as PGOPTIONS, as on every connection.
 */
export function libpqEnvironment(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = {
    PGHOST: decodeURIComponent(parsed.hostname),
    PGPORT: parsed.port || '5432',
    PGDATABASE: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
  };
  const host = parsed.searchParams.get('host');
  if (host) env['PGHOST'] = host;
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env['PGSSLMODE'] = sslmode;
  const schema = ventureSchema(url, 'the database URL');
  if (schema) env['PGOPTIONS'] = schemaSessionOptions(schema);
  for (const [key, value] of Object.entries(env)) if (!value) delete env[key];
  return { ...process.env, ...env, PGCONNECT_TIMEOUT: '10' };
}
