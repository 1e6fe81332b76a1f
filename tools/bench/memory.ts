/**
 * Peak memory of `migrate-test` on the longest history the benchmarks have: the generated
 * 250-migration Prisma-style history (generate-history.ts, the one the apply row uses), with the
 * schema.prisma it leads to, as a venture of the installed workspace, on the embedded database,
 * through Nx. Its peer: a no-op Nx task in the same workspace, measured the same way.
 *
 * What is measured is the whole process tree of the command (Nx, the process it runs the executor
 * in, anything they start): the sum of the resident sets of its processes, sampled every
 * SAMPLE_MS from /proc, and, where GNU time is installed, the kernel's own peak of its largest
 * process; the figure is the larger of the two. The sum counts pages that processes share (Node's
 * code) once per process, so it errs high.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Benchmark } from './benchmark';
import { generatedSchema, generateHistory } from './generate-history';
import type { Row } from './report';

const HISTORY_LENGTH = 250;
const VENTURE = 'history';
/** Runs of ours with the embedded database's snapshot cached, and of the peer; the figure is the largest. */
const ROUNDS = 2;
const SAMPLE_MS = 20;
const GNU_TIME = '/usr/bin/time';
const LIMIT_MIB = 1024;

export const memory: Benchmark = {
  name: 'memory',
  section: `Peak memory: migrate-test of a ${HISTORY_LENGTH}-migration history`,
  async run(context) {
    const workspace = context.installedWorkspace();
    const prismaDir = path.join(workspace.root, 'ventures', VENTURE, 'prisma');
    generateHistory(path.join(prismaDir, 'migrations'), HISTORY_LENGTH);
    workspace.write(`ventures/${VENTURE}/prisma/schema.prisma`, generatedSchema(HISTORY_LENGTH));
    workspace.write(`ventures/${VENTURE}/project.json`, JSON.stringify({ name: VENTURE, projectType: 'application' }));
    // The embedded database's snapshot cache of these runs: empty for the first, then made by it.
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'forge-bench-memory-'));
    try {
      const nx = (args: string[]) =>
        peakMemory(
          path.join(workspace.root, 'node_modules', '.bin', 'nx'),
          [...args, '--outputStyle=static', '--skip-nx-cache'],
          workspace.root,
          { FORGE_MIGRATIONS_CACHE_DIR: cacheDir },
        );
      const peer = await largest(ROUNDS, () => nx(['run', 'noop:run']));
      // A workspace's first run: the embedded database is made from scratch (initdb) and its snapshot written.
      const cold = await nx(['run', `${VENTURE}:migrate-test`]);
      // Every later run: the database starts from the snapshot.
      const warm = await largest(ROUNDS, () => nx(['run', `${VENTURE}:migrate-test`]));
      // For scale: the example venture's 5 migrations, the same way.
      const short = await nx(['run', 'billing:migrate-test']);
      // The rows alone (`npm run bench -- memory`) do not show the largest processes: the notes do.
      console.error(
        `[bench] memory: largest process ${largestOf(warm)} (snapshot cached), ${largestOf(cold)} ` +
          `(first run), ${largestOf(short)} (the example's 5 migrations)`,
      );
      const row = (name: string, ours: Peak): Row => ({
        name,
        ours: mib(ours.bytes),
        peer: mib(peer.bytes),
        peerName: 'a no-op Nx task',
        unit: 'MiB',
        target: `< ${LIMIT_MIB} MiB`,
        met: mib(ours.bytes) < LIMIT_MIB,
      });
      return {
        rows: [
          row(`peak memory, migrate-test (embedded) via Nx of ${HISTORY_LENGTH} migrations, installed package`, warm),
          row("the same, first run of a workspace (makes the embedded database's snapshot)", cold),
        ],
        notes: [
          `The history is the generated ${HISTORY_LENGTH}-migration Prisma-style one ` +
            `(tools/bench/generate-history.ts: 50 tables with foreign keys and indexes, added columns, ` +
            `enums, trigger functions, data updates; no down.sql),`,
          `the longest the repository has (umami's real history has 19 migrations, the example 5), with ` +
            `the schema.prisma it leads to, so that migrate-test passes with no drift ` +
            `(${Math.round(warm.ms / 1000)} s a run here).`,
          `The figure is the peak of the command's whole process tree (Nx, the process it runs the ` +
            `executor in, and their children): the sum of their resident sets sampled every ${SAMPLE_MS} ms ` +
            `from /proc,`,
          `or the kernel's peak of the largest single process (GNU time) when that is higher. Shared ` +
            `pages count once per process, so it errs high. The largest of ${ROUNDS} runs; the peer, a ` +
            `no-op Nx task in the same workspace, is measured the same way, so the difference is what ` +
            `migrate-test adds to Nx.`,
          `Of the ${Math.round(mib(warm.bytes))} MiB, the largest process (the one Nx runs the executor ` +
            `in) took ${largestOf(warm)}; the example's 5 migrations peak ` +
            `at ${Math.round(mib(short.bytes))} MiB (largest process ${largestOf(short)}):`,
          "most of the memory is the fixed cost of the WebAssembly the executor loads (PGlite's " +
            "PostgreSQL, Prisma's schema engine, the SQL parser), not the length of the history.",
          `A workspace's first run (and every run of a CI job that does not keep node_modules/.cache) ` +
            `also makes the embedded database with initdb, in WebAssembly, and writes its snapshot,`,
          `in a short-lived process of its own that ends before the executor starts its ` +
            `database: ${Math.round(mib(cold.bytes))} MiB, largest process ${largestOf(cold)}.`,
        ],
      };
    } finally {
      workspace.remove(`ventures/${VENTURE}`);
      rmSync(cacheDir, { recursive: true, force: true });
    }
  },
};

export interface Peak {
  /** The whole tree's. */
  bytes: number;
  /** The largest single process's, by GNU time (0 without it). */
  largestProcess: number;
  ms: number;
}

function largestOf(peak: Peak): string {
  return peak.largestProcess ? `${Math.round(mib(peak.largestProcess))} MiB` : 'not measured (no GNU time)';
}

async function largest(rounds: number, measure: () => Promise<Peak>): Promise<Peak> {
  let top: Peak | undefined;
  for (let round = 0; round < rounds; round++) {
    const peak = await measure();
    if (!top || peak.bytes > top.bytes) top = peak;
  }
  return top!;
}

export function mib(bytes: number): number {
  return bytes / 2 ** 20;
}

/** Run a command to its end and give the peak memory of its process tree; a failing command throws with its output. */
export function peakMemory(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Peak> {
  const timeFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-bench-time-')), 'maxrss');
  const gnuTime = existsSync(GNU_TIME);
  const [file, argv] = gnuTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, {
      cwd,
      env: { ...process.env, TEST_DATABASE_URL: '', NX_DAEMON: 'false', NX_TUI: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    let treePeak = 0;
    // GNU time's own process is not counted: the tree starts at its child.
    const sampler = setInterval(() => (treePeak = Math.max(treePeak, treeRss(child.pid!, gnuTime))), SAMPLE_MS);
    child.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      const ms = performance.now() - started;
      const largestProcess = gnuTime && existsSync(timeFile) ? 1024 * Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : 0;
      rmSync(path.dirname(timeFile), { recursive: true, force: true });
      if (code !== 0) reject(new Error(`${path.basename(command)} ${args.join(' ')} exited ${code}:\n${output}`));
      else resolve({ bytes: Math.max(treePeak, largestProcess), largestProcess, ms });
    });
  });
}

/** The summed resident set of a process's descendants (and of the process itself unless `descendantsOnly`), in bytes, from /proc. */
function treeRss(root: number, descendantsOnly: boolean): number {
  const processes = new Map<number, { parent: number; rss: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0; // no /proc: GNU time's figure alone
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rss = 1024 * Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      processes.set(Number(entry), { parent, rss });
    } catch {
      // the process ended while being read
    }
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { parent }] of processes) {
      if (!inTree.has(pid) && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  if (descendantsOnly) inTree.delete(root);
  return [...inTree].reduce((sum, pid) => sum + (processes.get(pid)?.rss ?? 0), 0);
}
