import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Proven prefixes of migration histories, on disk: per key (see prefixKeys), the files a proof of
 * migrations 1..k left (the embedded database's data folder, the proof's state). An entry is
 * written in a folder of its own and renamed into place with its manifest (the size and SHA-256 of
 * every file) in it, so a reader never sees half of one, and of two processes writing the same key
 * the first to rename wins. An entry that does not match its manifest (cut off, edited) is removed
 * and taken as missing: the caller proves those migrations again. Past `maxBytes`, the entries
 * used longest ago go.
 */
export class PrefixStore {
  constructor(
    readonly root: string,
    private readonly maxBytes: number,
  ) {}

  /**
   * The longest prefix among `keys` (the key of migrations 1..k at k - 1) with an intact entry,
   * longer than `shorterOnes` migrations: k and its files.
   */
  async longest(keys: readonly string[], shorterOnes = 0): Promise<{ length: number; files: Map<string, Buffer> } | undefined> {
    // One listing of the store, not a look per key: a long history has as many keys as migrations.
    const kept = new Set(await readdir(this.root).catch(() => [] as string[]));
    for (let length = keys.length; length > shorterOnes; length--) {
      if (!kept.has(keys[length - 1])) continue;
      const files = await this.read(keys[length - 1]);
      if (files) return { length, files };
    }
    return undefined;
  }

  /** The files of the entry `key`, when it is there and intact; its use recorded for the bound. */
  async read(key: string): Promise<Map<string, Buffer> | undefined> {
    const dir = path.join(this.root, key);
    const manifest = await readManifest(dir);
    // No entry, or one without a readable manifest (damaged: removed, so that it can be written again).
    if (!manifest) {
      await this.remove(key);
      return undefined;
    }
    const files = new Map<string, Buffer>();
    for (const file of manifest.files) {
      const content = await readFile(path.join(dir, file.name)).catch(() => undefined);
      if (!content || content.length !== file.bytes || sha256(content) !== file.sha256) {
        await this.remove(key);
        return undefined;
      }
      files.set(file.name, content);
    }
    const now = new Date();
    await utimes(path.join(dir, MANIFEST), now, now).catch(() => undefined);
    return files;
  }

  /** Whether the entry `key` is there (intact or not: read() tells). */
  has(key: string): boolean {
    return existsSync(path.join(this.root, key, MANIFEST));
  }

  /** Remove the entry `key`, whose files no longer hold what it kept. */
  async remove(key: string): Promise<void> {
    await rm(path.join(this.root, key), { recursive: true, force: true });
  }

  /** Keep `files` as the entry `key` (unless another process kept it first), then hold the store to its bound. */
  async write(key: string, files: ReadonlyMap<string, Buffer | string>): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const staging = path.join(this.root, `${STAGING}${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(staging);
    try {
      const manifest: Manifest = { key, files: [] };
      for (const [name, data] of files) {
        const content = typeof data === 'string' ? Buffer.from(data) : data;
        await writeFile(path.join(staging, name), content);
        manifest.files.push({ name, bytes: content.length, sha256: sha256(content) });
      }
      await writeFile(path.join(staging, MANIFEST), JSON.stringify(manifest));
      await rename(staging, path.join(this.root, key)).catch((error: NodeJS.ErrnoException) => {
        // Another process kept this key first: its entry holds the same proof.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    await this.holdToBound();
  }

  /** The entries, their sizes and last use. */
  async entries(): Promise<Array<{ key: string; bytes: number; usedAt: number }>> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const entries: Array<{ key: string; bytes: number; usedAt: number }> = [];
    for (const name of names) {
      if (name.startsWith(STAGING)) continue;
      const dir = path.join(this.root, name);
      const manifest = await readManifest(dir);
      const used = await stat(path.join(dir, MANIFEST)).catch(() => undefined);
      if (manifest && used)
        entries.push({ key: name, bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0), usedAt: used.mtimeMs });
    }
    return entries;
  }

  /** Remove the entries used longest ago until the rest fit in `maxBytes`, and staging folders a killed process left. */
  private async holdToBound(): Promise<void> {
    const entries = (await this.entries()).sort((a, b) => a.usedAt - b.usedAt);
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      await rm(path.join(this.root, entry.key), { recursive: true, force: true });
      total -= entry.bytes;
    }
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      if (!name.startsWith(STAGING)) continue;
      const staged = await stat(path.join(this.root, name)).catch(() => undefined);
      if (staged && Date.now() - staged.mtimeMs > ABANDONED_AFTER_MS)
        await rm(path.join(this.root, name), { recursive: true, force: true });
    }
  }
}

interface Manifest {
  key: string;
  files: Array<{ name: string; bytes: number; sha256: string }>;
}

const MANIFEST = 'manifest.json';
const STAGING = '.staging-';
/** A staging folder this old belongs to a process that was killed while writing it. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
    return manifest.key === path.basename(dir) && Array.isArray(manifest.files) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
