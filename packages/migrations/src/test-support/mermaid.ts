import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures';

/**
 * Parse diagrams with the real mermaid parser. It is an ES module with browser-minded
 * dependencies, so it runs in a plain Node process rather than in Jest's module system.
 * Returns one entry per diagram: null when it parses, else mermaid's error.
 */
export function mermaidErrors(diagrams: string[]): Array<string | null> {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'check-mermaid.mjs')], {
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (!result.stdout) throw new Error(`check-mermaid failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
