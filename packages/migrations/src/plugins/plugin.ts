import { type CreateNodes, createNodesFromFiles, type CreateNodesResult, hashArray, logger } from '@nx/devkit';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PluginCache, workspaceDataDirectory } from '@nx/devkit/internal';
import { describeError, isForgeError } from '../core/errors';
import { PLUGIN_PACKAGE, PLUGIN_VERSION } from '../package-info';
import { PRISMA_CONFIG_CANDIDATES } from '../adapters/store/prisma-config';
import { resolvePrismaLayout } from '../adapters/store/project-layout';
import {
  databaseTargets,
  migrateLintTarget,
  migrateTestTarget,
  type MigrationsPluginOptions,
  normalizeOptions,
  type PluginVersionInput,
  prismaInputs,
  type PrismaInputs,
} from './project-targets';

/** Files that make a folder a Prisma project: schema files and Prisma's config file. */
export const PRISMA_FILES_GLOB = '**/{*.prisma,prisma.config.{ts,mts,cts,js,mjs,cjs},prisma7.config.{ts,mts,cts,js,mjs,cjs}}';

const CONFIG_FILES = [...PRISMA_CONFIG_CANDIDATES, 'package.json'];

/**
 * Inferred tasks: every project that holds a Prisma schema gets `migrate-test`, `migrate-lint`,
 * `migrate-deploy`, `migrate-rollback`, `migrate-status`, `migrate-archives` and `migrate-ui`. Finding a
 * project's schema can mean loading its prisma.config.ts, so the result is cached per project,
 * keyed by the content of the files that decide it. A project whose files cannot be read (a
 * broken prisma.config.ts) is named in a warning and keeps targets that fail with the reason;
 * the other projects are not affected.
 */
export const createNodes: CreateNodes<MigrationsPluginOptions> = [
  PRISMA_FILES_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizeOptions(rawOptions);
    const cache = new PluginCache<ProjectInputs | null>(path.join(workspaceDataDirectory, 'forge-migrations-layouts.json'));
    const versionInput = pluginVersionInput(context.workspaceRoot);
    // One file per project stands for it: its targets come from its layout, whichever file matched.
    const projects = new Map<string, string>();
    for (const file of [...files].sort()) {
      const projectRoot = owningProjectRoot(context.workspaceRoot, file);
      if (projectRoot !== undefined && !projects.has(projectRoot)) projects.set(projectRoot, file);
    }
    const rootOf = new Map([...projects].map(([projectRoot, file]) => [file, projectRoot]));
    try {
      const results = await createNodesFromFiles(
        async (file): Promise<CreateNodesResult> => {
          const projectRoot = rootOf.get(file)!;
          const inputs = await projectInputs(context.workspaceRoot, projectRoot, cache);
          if (!inputs) return {};
          const targets = {
            [options.testTargetName]: migrateTestTarget(inputs, versionInput, options),
            [options.lintTargetName]: migrateLintTarget(inputs, versionInput, context.nxJsonConfiguration.defaultBase ?? 'main'),
            ...databaseTargets(options),
          };
          return { projects: { [projectRoot]: { targets } } };
        },
        [...projects.values()],
        options,
        context,
      );
      // A .prisma file in a project that is not a Prisma project (a template, a snippet) adds nothing.
      return results.filter(([, result]) => result.projects !== undefined);
    } finally {
      cache.writeToDisk();
    }
  },
];

/** A project's inputs, or why its Prisma files could not be read (a broken prisma.config.ts). */
type ProjectInputs = PrismaInputs & { unreadable?: string };

async function projectInputs(
  workspaceRoot: string,
  projectRoot: string,
  cache: PluginCache<ProjectInputs | null>,
): Promise<PrismaInputs | null> {
  const absoluteRoot = path.join(workspaceRoot, projectRoot);
  const configFiles = CONFIG_FILES.map((file) => path.join(absoluteRoot, file)).filter((file) => existsSync(file));
  const key = hashArray([
    PLUGIN_VERSION,
    projectRoot,
    ...configFiles.map((file) => `${file}\0${readFileSync(file, 'utf8')}`),
    ...defaultSchemaPaths(absoluteRoot),
  ]);
  let inputs: ProjectInputs | null;
  if (cache.has(key)) {
    inputs = cache.get(key) ?? null;
  } else {
    try {
      const layout = await resolvePrismaLayout(absoluteRoot);
      inputs = prismaInputs(
        layout,
        configFiles.filter((file) => !file.endsWith('package.json') || hasPrismaField(file)),
      );
    } catch (error) {
      // A .prisma file outside any schema location Prisma would use: not a Prisma project.
      if (isForgeError(error) && error.code === 'SCHEMA_NOT_FOUND') inputs = null;
      // A Prisma project whose files cannot be read keeps its targets, which fail with this error
      // when run: one broken project must not take every project's targets away.
      else
        inputs = {
          schema: '**/*.prisma',
          migrations: '**/migrations/**/*',
          config: configFiles.map((file) => path.basename(file)),
          unreadable: describeError(error).split('\n')[0],
        };
    }
    cache.set(key, inputs);
  }
  if (inputs?.unreadable)
    logger.warn(`@forge/migrations: ${projectRoot}: ${inputs.unreadable} (its migrate targets fail until this is fixed)`);
  return inputs;
}

function defaultSchemaPaths(absoluteRoot: string): string[] {
  return ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'].filter((file) => existsSync(path.join(absoluteRoot, file)));
}

function hasPrismaField(packageJson: string): boolean {
  try {
    return JSON.parse(readFileSync(packageJson, 'utf8'))?.prisma?.schema !== undefined;
  } catch {
    return false;
  }
}

/** The closest folder at or above the file with a project.json or package.json: the project it belongs to. */
function owningProjectRoot(workspaceRoot: string, file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (existsSync(path.join(workspaceRoot, dir, 'project.json')) || existsSync(path.join(workspaceRoot, dir, 'package.json'))) {
      return dir === '' ? '.' : dir;
    }
    if (dir === '.' || dir === '') return undefined;
    dir = path.dirname(dir);
  }
}

/** The lockfiles Nx reads external dependencies from. */
const LOCKFILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

/**
 * The plugin's version as a task input. Installed from the registry, that is the package's entry
 * in the lockfile; built from sources in this same workspace, it is those sources. Installed
 * where the lockfile does not list it (by path, from a tarball without a lockfile entry), Nx would
 * fail every task on an external dependency it cannot find: its version is read at hash time.
 */
function pluginVersionInput(workspaceRoot: string): PluginVersionInput {
  const packageDir = realpathSync(path.join(__dirname, '..', '..'));
  const relative = path.relative(realpathSync(workspaceRoot), packageDir);
  const insideWorkspaceSources = !relative.startsWith('..') && !relative.split(path.sep).includes('node_modules');
  if (insideWorkspaceSources) return `{workspaceRoot}/${relative.split(path.sep).join('/')}/src/**/*`;
  const listed = LOCKFILES.some(
    (file) => existsSync(path.join(workspaceRoot, file)) && readFileSync(path.join(workspaceRoot, file), 'utf8').includes(PLUGIN_PACKAGE),
  );
  return listed ? { externalDependencies: [PLUGIN_PACKAGE] } : { runtime: `node -p "require('${PLUGIN_PACKAGE}/package.json').version"` };
}
