import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface TemporaryProject {
  dir: string;
  remove: () => void;
}

/**
 * A writable copy of a fixture (under fixtures/) or an example venture (under examples/) in a
 * temporary folder; the originals are never written.
 */
export function copyFixture(name: string, from: 'fixtures' | 'examples' = 'fixtures'): TemporaryProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), `forge-${name}-`));
  cpSync(path.join(from === 'fixtures' ? FIXTURES_DIR : EXAMPLES_DIR, name), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An empty temporary folder, removed by `remove()`. */
export function temporaryDir(prefix = 'forge-'): TemporaryProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
