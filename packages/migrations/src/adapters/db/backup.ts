import { archiveSchema } from '../../core/archive/archive-sql';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EMPTY_USER_SCHEMAS } from '../../core/deploy/restore-sql';
import { ForgeError } from '../../core/errors';
import { redact } from '../../core/redact';
import { FORGE_SCHEMA } from '../../core/sql/bookkeeping';
import { ventureSchema } from './venture-schema';
import { findPgTool, libpqEnvironment } from './pg-tools';

/** A backup taken before a deploy or rollback, verified before anything is applied. */
export interface BackupRecord {
  file: string;
  kind: 'pg_dump' | 'pglite';
  sha256: string;
  bytes: number;
  createdAt: string;
}

export interface PgServer {
  url: string;
  /** The environment variable the URL came from, for messages. */
  source: string;
  major: number;
  pgBinDir?: string;
}

/**
 * `pg_dump -Fc` (compression level 1) of everything but the plugin's deploy history (of a venture
 * that shares its database: its schema, its archives and the extensions created in it), written under a temporary
 * name and kept only once `pg_restore --list` reads it back whole; then its SHA-256 and size.
 */
export async function dumpDatabase(server: PgServer, file: string, schemaExtensions: readonly string[] = []): Promise<BackupRecord> {
  const [pgDump, pgRestore] = await Promise.all([
    findPgTool('pg_dump', server.major, server.pgBinDir),
    findPgTool('pg_restore', server.major, server.pgBinDir),
  ]);
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    // Compression level 1: a backup stands between the operator and the change, and level 1
    // writes about twice as fast as the default for a few percent more bytes.
    const schema = ventureSchema(server.url, server.source);
    const selection = schema
      ? [`--schema="${schema}"`, `--schema="${archiveSchema(schema)}"`, ...schemaExtensions.map((name) => `--extension="${name}"`)]
      : [`--exclude-schema=${FORGE_SCHEMA}`];
    await run(pgDump, ['--format=custom', '--compress=1', ...selection, `--file=${partial}`], server, 'pg_dump');
    // The checksum is read while pg_restore reads the dump through.
    const [, sha256] = await Promise.all([run(pgRestore, ['--list', partial], server, 'pg_restore --list'), sha256Of(partial)]);
    await rename(partial, file);
    return { file, kind: 'pg_dump', sha256, bytes: (await stat(file)).size, createdAt: new Date().toISOString() };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Put the database back as the dump holds it, in one transaction: the user schemas emptied, then
 * the dump's SQL streamed from `pg_restore` into `psql`. The COMMIT comes only after pg_restore
 * has written the whole script, so a pipeline cut short (pg_restore killed or failing) ends with
 * the transaction open and rolled back; were this process killed, the pipeline still finishes or
 * fails as one transaction. Any error leaves the database as it was before the restore.
 */
export async function restoreDump(server: PgServer, record: BackupRecord): Promise<void> {
  await verifyChecksum(record);
  const [pgRestore, psql] = await Promise.all([
    findPgTool('pg_restore', server.major, server.pgBinDir),
    findPgTool('psql', server.major, server.pgBinDir),
  ]);
  const pipeline =
    `{ printf 'BEGIN;\\n%s\\n' "$4" && "$1" --file=- "$2" && printf ` +
    `'COMMIT;\\n\\\\echo ${COMMITTED}\\n'; } | "$3" --no-psqlrc --quiet --set=ON_ERROR_STOP=1`;
  const loaded = await exited(
    spawn('sh', ['-c', pipeline, 'restore', pgRestore, record.file, psql, EMPTY_USER_SCHEMAS], {
      env: libpqEnvironment(server.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  if (loaded.code !== 0 || !loaded.stdout.includes(COMMITTED))
    throw restoreFailed(record, loaded.stderr || `psql exited with ${loaded.code}`, server);
}

const COMMITTED = 'forge-restore-committed';

export async function verifyChecksum(record: BackupRecord): Promise<void> {
  let actual: string;
  try {
    actual = await sha256Of(record.file);
  } catch (error) {
    throw new ForgeError(
      'BACKUP_INVALID',
      `The backup ${record.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      'Name a backup file that exists; the deploy history lists the ones taken.',
    );
  }
  if (actual !== record.sha256) {
    throw new ForgeError(
      'BACKUP_INVALID',
      `The backup ${record.file} does not have the SHA-256 recorded when it was taken: it was changed or damaged.`,
      'Use another backup; nothing was restored.',
    );
  }
}

/** Keep the newest `keep` backups of a prefix in the folder (names sort by time) with their checksum files, and no leftover partial files. */
export async function pruneBackups(dir: string, prefix: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(prefix));
  const partial = names.filter((name) => name.endsWith('.partial'));
  const complete = names.filter((name) => !name.endsWith('.partial') && !name.endsWith('.sha256')).sort();
  const old = complete.slice(0, Math.max(0, complete.length - keep));
  const removed = [...partial, ...old, ...old.map((name) => `${name}.sha256`).filter((name) => names.includes(name))];
  await Promise.all(removed.map((name) => rm(path.join(dir, name), { force: true })));
  return removed;
}

export function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

async function run(command: string, args: string[], server: PgServer, what: string): Promise<void> {
  const child = spawn(command, args, { env: libpqEnvironment(server.url), stdio: ['ignore', 'ignore', 'pipe'] });
  const { code, stderr } = await exited(child);
  if (code === 0) return;
  const noRoom = /no space left on device|could not write/i.test(stderr);
  throw new ForgeError(
    'BACKUP_FAILED',
    `The backup failed, so nothing was applied: ${what} said: ${redact(stderr.trim(), [server.url])}`,
    noRoom
      ? 'The backup folder has no room left: free space there, or point backupDir at a disk that has it.'
      : `Check that ${server.source} reaches the server and that its user may read every table.`,
  );
}

function exited(child: ReturnType<typeof spawn>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let [stdout, stderr] = ['', ''];
    child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function restoreFailed(record: BackupRecord, detail: string, server: PgServer): ForgeError {
  return new ForgeError(
    'RESTORE_FAILED',
    `Restoring ${record.file} failed, and the database was left as it was before the restore: ${redact(detail.trim(), [server.url])}`,
    'Restore it by hand with pg_restore (see the runbook), or call the team that owns the database.',
  );
}
