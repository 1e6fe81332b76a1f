import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * How the store reads a project: from disk, or (for generators) from Nx's virtual file tree, so
 * that `--dry-run` and generator specs see exactly what a real run would. Paths are absolute.
 */
export interface ProjectFiles {
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
  read(path: string): string;
  list(dir: string): Array<{ name: string; isDirectory: boolean }>;
}

export const diskFiles: ProjectFiles = {
  exists: (path) => existsSync(path),
  isDirectory: (path) => statSync(path).isDirectory(),
  read: (path) => readFileSync(path, 'utf8'),
  list: (dir) => readdirSync(dir, { withFileTypes: true }).map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() })),
};
