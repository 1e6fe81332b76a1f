import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** An option's file path, relative to the workspace root, with `{workspaceRoot}`, `{projectRoot}` and `{projectName}` replaced. */
export function reportPath(workspaceRoot: string, file: string, projectRoot: string, projectName: string): string {
  const relative = file
    .replace(/\{workspaceRoot\}\/?/g, '')
    .replace(/\{projectRoot\}/g, projectRoot)
    .replace(/\{projectName\}/g, projectName);
  return path.resolve(workspaceRoot, relative);
}

export function writeReport(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}
