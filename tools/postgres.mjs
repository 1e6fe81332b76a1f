#!/usr/bin/env node
// A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks.
//
//   node tools/postgres.mjs run -- <command...>   start a server, run the command with
//                                                TEST_DATABASE_URL set, stop the server
//   node tools/postgres.mjs start                 start one and print its URL (state in tmp/postgres)
//   node tools/postgres.mjs stop                  stop the one `start` started
//
// The data folder lives in the system's temporary directory and is deleted on stop. As root, the
// server runs as the `postgres` user (PostgreSQL refuses root). When the server binaries are
// missing, Debian's `postgresql` package is installed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stateFile = path.join(repoRoot, 'tmp', 'postgres', 'state.json');
const isRoot = process.getuid?.() === 0;

function serverBinDir() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

function ensureServerInstalled() {
  if (serverBinDir()) return serverBinDir();
  console.error('[postgres] server binaries missing: installing Debian package postgresql');
  const sudo = isRoot ? [] : ['sudo'];
  const run = (args) =>
    execFileSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'postgresql', 'postgresql-client']);
  const dir = serverBinDir();
  if (!dir) throw new Error('PostgreSQL server binaries still missing after installing the postgresql package');
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Run a server binary, as the postgres user when we are root. */
function asServerUser(binary, args) {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(binary)} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

async function start() {
  const bin = ensureServerInstalled();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (isRoot) {
    chownSync(dir, ...ids('postgres'));
    chownSync(pwfile, ...ids('postgres'));
  }
  asServerUser(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  rmSync(pwfile);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=300',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  return { dir, data, bin, port, url };
}

function stop(server) {
  try {
    asServerUser(path.join(server.bin, 'pg_ctl'), ['-D', server.data, '-m', 'immediate', '-w', 'stop']);
  } catch (error) {
    console.error(`[postgres] stop: ${error.message}`);
  }
  rmSync(server.dir, { recursive: true, force: true });
}

function ids(user) {
  return [Number(execFileSync('id', ['-u', user]).toString()), Number(execFileSync('id', ['-g', user]).toString())];
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'run') {
  const argv = rest[0] === '--' ? rest.slice(1) : rest;
  if (argv.length === 0) throw new Error('usage: node tools/postgres.mjs run -- <command...>');
  const server = await start();
  console.error(`[postgres] PostgreSQL on 127.0.0.1:${server.port} for: ${argv.join(' ')}`);
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: server.url } });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    stop(server);
    process.exit(code ?? (signal ? 1 : 0));
  });
} else if (command === 'start') {
  const server = await start();
  mkdirSync(path.dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(server), { mode: 0o600 });
  process.stdout.write(server.url + '\n');
} else if (command === 'stop') {
  if (!existsSync(stateFile)) process.exit(0);
  stop(JSON.parse(readFileSync(stateFile, 'utf8')));
  rmSync(stateFile);
} else {
  console.error('usage: node tools/postgres.mjs run -- <command...> | start | stop');
  process.exit(2);
}
