import path from 'node:path';
import { E2eWorkspace } from '../../e2e/migrations-e2e/src/workspace';
import type { Row } from './report';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/**
 * One benchmark of `npm run bench`: its rows go into the one table of docs/benchmarks.md, under
 * `section`. Adding one is a module exporting a `Benchmark` and one entry in all.ts's list.
 */
export interface Benchmark {
  /** Its name on the command line: `npm run bench -- <name>` runs it alone. */
  name: string;
  /** Its heading in the table of docs/benchmarks.md. */
  section: string;
  run(context: BenchContext): Promise<BenchResult>;
}

export interface BenchResult {
  rows: Row[];
  /** Sentences for docs/benchmarks.md under the table: what the rows measure, and why a target is missed. */
  notes?: string[];
  /** Pages of detail this benchmark writes (path relative to the repository root, Markdown). */
  documents?: Array<{ file: string; markdown: string }>;
}

/** What the benchmarks of one run share. */
export interface BenchContext {
  /** The throwaway PostgreSQL server's URL, from `node tools/postgres.mjs run`. */
  databaseUrl(): string;
  /**
   * A workspace in a temporary folder that installed the packed plugin (`npm run build` first), as a
   * team's would, with the `billing` venture and a no-op task `noop:run`. Made on first use, shared
   * by the benchmarks of the run, removed at its end; a benchmark removes what it adds.
   */
  installedWorkspace(): E2eWorkspace;
}

/** The context of one run; `dispose` removes what it made. */
export function benchContext(): BenchContext & { dispose(): void } {
  let workspace: E2eWorkspace | undefined;
  return {
    databaseUrl() {
      const url = process.env['TEST_DATABASE_URL'];
      if (!url) throw new Error('TEST_DATABASE_URL is not set: run through `npm run bench`, which starts PostgreSQL.');
      return url;
    },
    installedWorkspace() {
      if (!workspace) {
        workspace = E2eWorkspace.create();
        workspace.addVenture('billing');
        workspace.write(
          'tools/project.json',
          JSON.stringify({ name: 'noop', targets: { run: { executor: 'nx:run-commands', options: { command: 'node -e ""' } } } }),
        );
      }
      return workspace;
    },
    dispose() {
      workspace?.dispose();
    },
  };
}
