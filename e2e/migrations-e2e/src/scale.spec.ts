import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { CommandResult, E2eWorkspace } from './workspace';

/**
 * Workspace scale (issue 7): 50 ventures, each a copy of the billing example, tested together on
 * one PostgreSQL server, then the three ways Nx keeps that cheap: `affected` runs only the venture
 * a commit touched, an identical run comes from the cache, and the cache follows exactly the
 * inputs (one migration invalidates one venture, a new plugin version invalidates them all).
 */
const VENTURES = Array.from({ length: 50 }, (_, index) => `scale-${String(index + 1).padStart(2, '0')}`);
const TARGET = 'migrate-test';
const RUN_MANY = ['run-many', '-t', TARGET, '--parallel=4', '--outputStyle=static'];
const PLUGIN = '@forge/migrations';

interface Timing {
  id: string;
  label: string;
  /** Wall clock of the whole command, Nx's start-up and project graph included. */
  seconds: number;
  /** What Nx itself reports as the run's duration (`Run duration:`), when it does. */
  nxRunSeconds?: number;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

describe('@forge/migrations at workspace scale: 50 ventures', () => {
  const serverUrl = process.env['TEST_DATABASE_URL'];
  let workspace: E2eWorkspace;
  let throwawayBefore: string[];
  const specStart = performance.now();
  const timings: Timing[] = [];

  /** One Nx command against the shared server, timed for the summary printed at the end. */
  const timed = (id: string, label: string, args: string[]): CommandResult => {
    const start = performance.now();
    const result = workspace.nx(args, { TEST_DATABASE_URL: serverUrl });
    timings.push({ id, label, seconds: seconds(performance.now() - start), nxRunSeconds: nxRunDuration(result.output) });
    return result;
  };

  beforeAll(async () => {
    if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run the e2e tests with `npm test`, which starts PostgreSQL.');
    const start = performance.now();
    workspace = E2eWorkspace.create();
    for (const name of VENTURES) workspace.addVenture(name);
    workspace.git('add', '-A');
    workspace.git('commit', '-qm', '50 ventures');
    timings.push({
      id: 'workspace',
      label: 'workspace: npm install, init, 50 ventures, commit',
      seconds: seconds(performance.now() - start),
    });
    // Another test run may share the server: only this spec's throwaway databases are counted.
    throwawayBefore = await throwawayDatabases(serverUrl);
  });

  afterAll(() => {
    workspace?.dispose();
    const total = seconds(performance.now() - specStart);
    const rows = [...timings, { label: 'whole spec', seconds: total, nxRunSeconds: undefined }].map(
      (row) =>
        `  ${row.seconds.toFixed(2).padStart(7)} s  ${row.label}${row.nxRunSeconds === undefined ? '' : ` (Nx run duration ${row.nxRunSeconds} s)`}`,
    );
    process.stdout.write(`\nscale e2e timings (${os.cpus().length} cores):\n${rows.join('\n')}\n`);
    // For benchmark rows: SCALE_E2E_TIMINGS=<file> writes the same timings as JSON.
    const file = process.env['SCALE_E2E_TIMINGS'];
    if (file) writeFileSync(file, JSON.stringify({ cores: os.cpus().length, runs: timings, total }, null, 2) + '\n');
  });

  it('tests all 50 on one PostgreSQL server, four at a time, each in its own throwaway database, and leaves none behind', async () => {
    const { code, output } = timed('cold', 'run-many: 50 tasks run (cold cache)', RUN_MANY);
    expect(code).toBe(0);
    expect(output).toContain(`Successfully ran target ${TARGET} for 50 projects`);
    expect(ranAndCached(output)).toEqual({ ran: VENTURES, cached: [] });
    for (const name of VENTURES) expect(output).toContain(`PASS ${name}`);
    // Every task had a database of its own: 50 distinct throwaway names, one per venture.
    const databases = new Set(output.match(/forge_scale_\d{2}_[0-9a-f]{12}/g));
    expect(databases.size).toBe(50);
    expect(new Set([...databases].map((name) => name.slice(0, -13)))).toEqual(
      new Set(VENTURES.map((name) => `forge_${name.replace('-', '_')}`)),
    );
    expect(newThrowaways(await throwawayDatabases(serverUrl))).toEqual([]);
  });

  it('answers an identical second run entirely from the cache', () => {
    const { code, output } = timed('cached', 'run-many: identical, 50 of 50 from cache', RUN_MANY);
    expect(code).toBe(0);
    expect(output).toContain('Nx read the output from the cache instead of running the command for 50 out of 50 tasks.');
    expect(ranAndCached(output)).toEqual({ ran: [], cached: VENTURES });
  });

  it('runs only the venture whose migration a commit touched, with nx affected', () => {
    appendComment('scale-17');
    workspace.git('commit', '-qam', 'scale-17: a comment in a migration');

    const affected = workspace.nx(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']);
    expect(JSON.parse(affected.output)).toEqual(['scale-17']);

    const { code, output } = timed('affected', 'affected: 1 task run (one migration committed)', [
      'affected',
      '-t',
      TARGET,
      '--base=HEAD~1',
      '--head=HEAD',
      '--parallel=4',
      '--outputStyle=static',
    ]);
    expect(code).toBe(0);
    expect(output).toContain(`Successfully ran target ${TARGET} for project scale-17`);
    expect(ranAndCached(output)).toEqual({ ran: ['scale-17'], cached: [] });
    expect(output).toContain('PASS scale-17');
  });

  it('invalidates exactly the task of the venture whose migration changed', () => {
    appendComment('scale-42');
    const { code, output } = timed('one-changed', 'run-many: 49 from cache, 1 run (one migration changed)', RUN_MANY);
    expect(code).toBe(0);
    expect(output).toContain(`Successfully ran target ${TARGET} for 50 projects`);
    expect(output).toContain('Nx read the output from the cache instead of running the command for 49 out of 50 tasks.');
    expect(ranAndCached(output)).toEqual({ ran: ['scale-42'], cached: VENTURES.filter((name) => name !== 'scale-42') });
    expect(output).toContain('PASS scale-42');
  });

  it('invalidates every task when the plugin version changes, and all 50 still pass', async () => {
    // Nx hashes an `externalDependencies` input by the package's node in the project graph (and
    // those of its dependencies), whose hash is the lockfile entry's `integrity` (else `resolved`,
    // else name and version). A new version of the plugin changes version, resolved and integrity:
    // this release writes them as `npm install` of the new tarball would.
    const lock = JSON.parse(workspace.read('package-lock.json'));
    const entry = lock.packages[`node_modules/${PLUGIN}`];
    expect(workspace.externalNode(PLUGIN)?.data).toMatchObject({ version: entry.version, hash: entry.integrity });
    const [major, minor, patch] = entry.version.split('.').map(Number);
    const next = `${major}.${minor}.${patch + 1}`;
    entry.resolved = entry.resolved.replace(entry.version, next);
    entry.version = next;
    entry.integrity = `sha512-${createHash('sha512').update(`${PLUGIN}@${next}`).digest('base64')}`;
    workspace.write('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
    expect(workspace.externalNode(PLUGIN)?.data).toMatchObject({ version: next, hash: entry.integrity });

    const { code, output } = timed('plugin-version', 'run-many: 50 tasks run (plugin version changed)', RUN_MANY);
    expect(code).toBe(0);
    expect(output).toContain(`Successfully ran target ${TARGET} for 50 projects`);
    expect(output).not.toContain('Nx read the output from the cache');
    expect(ranAndCached(output)).toEqual({ ran: VENTURES, cached: [] });
    for (const name of VENTURES) expect(output).toContain(`PASS ${name}`);
    expect(newThrowaways(await throwawayDatabases(serverUrl))).toEqual([]);
  });

  /** A harmless change to one venture's migration: a comment at the end of its last migration. */
  function appendComment(venture: string): void {
    const file = `ventures/${venture}/prisma/migrations/20240415090000_invoice_audit_trigger/migration.sql`;
    workspace.write(file, `${workspace.read(file)}\n-- ${venture}: reviewed for the scale e2e\n`);
  }

  function newThrowaways(names: string[]): string[] {
    return names.filter((name) => !throwawayBefore.includes(name));
  }
});

/**
 * The ventures whose task ran and those answered from the cache, from the static output's task
 * headers (`> nx run scale-01:migrate-test  [local cache]`), sorted.
 */
function ranAndCached(output: string): { ran: string[]; cached: string[] } {
  const ran: string[] = [];
  const cached: string[] = [];
  for (const [, project, status] of output.matchAll(new RegExp(`nx run (scale-\\d{2}):${TARGET}(  \\[[^\\]]+\\])?`, 'g'))) {
    if (!status) ran.push(project!);
    else if (/local cache|existing outputs match the cache/.test(status)) cached.push(project!);
    else throw new Error(`unexpected task status ${status} for ${project}`);
  }
  return { ran: ran.sort(), cached: cached.sort() };
}

/** Nx's `Run duration:` line (`998ms`, `41.8s`, `3m 15s`) in seconds. */
function nxRunDuration(output: string): number | undefined {
  const line = /Run duration:(.*)/.exec(output)?.[1];
  if (!line) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  return seconds([...line.matchAll(/([\d.]+)(ms|h|m|s)\b/g)].reduce((ms, [, value, name]) => ms + Number(value) * unit[name!]!, 0));
}

/** This spec's throwaway databases on the server: forge_<venture>_<12 hex>, for ventures scale-NN. */
async function throwawayDatabases(url: string | undefined): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      String.raw`SELECT datname FROM pg_database WHERE datname LIKE 'forge\_scale\_%' ORDER BY datname`,
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}
