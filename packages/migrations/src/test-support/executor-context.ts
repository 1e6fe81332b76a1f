import type { ExecutorContext } from '@nx/devkit';
import path from 'node:path';

/** The context Nx hands an executor, for one project in a workspace folder. */
export function executorContext(workspaceRoot: string, projectName: string, projectRoot: string): ExecutorContext {
  const project = { root: projectRoot, name: projectName, targets: {} };
  return {
    root: workspaceRoot,
    cwd: workspaceRoot,
    projectName,
    targetName: 'migrate-test',
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: { [projectName]: project } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: { [projectName]: { name: projectName, type: 'app', data: project } }, dependencies: {} },
  } as ExecutorContext;
}

export function relativeRoot(workspaceRoot: string, dir: string): string {
  return path.relative(workspaceRoot, dir);
}
