import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, temporaryDir, type TemporaryProject } from './fixtures';

/** The public migration histories under fixtures/, each with LICENSE, SOURCE.md and DRIFT.sql. */
export const REAL_HISTORIES = ['umami', 'hoppscotch', 'trigger-dev'] as const;
export type RealHistory = (typeof REAL_HISTORIES)[number];

export interface HistoryWorkspace extends TemporaryProject {
  /** The venture's name and root in the workspace. */
  project: string;
  projectRoot: string;
  projectDir: string;
  migrationsDir: string;
}

/** An Nx workspace in a temporary folder holding one venture: a copy of a real history's `prisma/` folder. */
export function historyWorkspace(history: RealHistory): HistoryWorkspace {
  const workspace = temporaryDir(`forge-${history}-`);
  const project = history.replace(/[^a-z]/g, '');
  const projectRoot = `apps/${project}`;
  const projectDir = path.join(workspace.dir, projectRoot);
  writeFileSync(path.join(workspace.dir, 'nx.json'), '{}');
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(path.join(projectDir, 'project.json'), JSON.stringify({ name: project, root: projectRoot }));
  cpSync(path.join(FIXTURES_DIR, history, 'prisma'), path.join(projectDir, 'prisma'), { recursive: true });
  return { ...workspace, project, projectRoot, projectDir, migrationsDir: path.join(projectDir, 'prisma/migrations') };
}

/** What the fixture's notes record as the difference between its schema.prisma and its history. */
export function recordedDrift(history: RealHistory): string {
  return readFileSync(path.join(FIXTURES_DIR, history, 'DRIFT.sql'), 'utf8').trim();
}
