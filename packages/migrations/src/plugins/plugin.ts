import { type CreateNodes, type CreateNodesResult, hashArray } from '@nx/devkit';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PluginCache, workspaceDataDirectory } from 'nx/src/devkit-internals';
import { isForgeError } from '../core/errors';
import { PLUGIN_PACKAGE, PLUGIN_VERSION } from '../package-info';
import { PRISMA_CONFIG_CANDIDATES } from '../store/prisma-config';
import { resolvePrismaLayout } from '../store/project-layout';
import {
  databaseTargets,
  migrateLintTarget,
  migrateTestTarget,
  type MigrationsPluginOptions,
  normalizeOptions,
  prismaInputs,
  type PrismaInputs,
} from './project-targets';

/** Files that make a folder a Prisma project: schema files and Prisma's config file. */
export const PRISMA_FILES_GLOB = '**/{*.prisma,prisma.config.{ts,mts,cts,js,mjs,cjs},prisma7.config.{ts,mts,cts,js,mjs,cjs}}';

const CONFIG_FILES = [...PRISMA_CONFIG_CANDIDATES, 'package.json'];

/**
 * Inferred tasks: every project that holds a Prisma schema gets `migrate-test`, `migrate-lint`,
 * `migrate-deploy`, `migrate-rollback` and `migrate-status`. Finding a
 * project's schema can mean loading its prisma.config.ts, so the result is cached per project,
 * keyed by the content of the files that decide it.
 */
export const createNodes: CreateNodes<MigrationsPluginOptions> = [
  PRISMA_FILES_GLOB,
  async (files, rawOptions, context) => {
    const options = normalizeOptions(rawOptions);
    const cache = new PluginCache<PrismaInputs | null>(
      path.join(workspaceDataDirectory, 'forge-migrations-layouts.json'),
    );
    const versionInput = pluginVersionInput(context.workspaceRoot);
    const projectRoots = [...new Set(files.map((file) => owningProjectRoot(context.workspaceRoot, file)))].filter(
      (root): root is string => root !== undefined,
    );
    const results: Array<readonly [string, CreateNodesResult]> = [];
    for (const projectRoot of projectRoots.sort()) {
      const inputs = await projectInputs(context.workspaceRoot, projectRoot, cache);
      if (!inputs) continue;
      results.push([
        projectRoot,
        {
          projects: {
            [projectRoot]: {
              targets: {
                [options.testTargetName]: migrateTestTarget(inputs, versionInput, options),
                [options.lintTargetName]: migrateLintTarget(inputs, versionInput, context.nxJsonConfiguration.defaultBase ?? 'main'),
                ...databaseTargets(options),
              },
            },
          },
        },
      ]);
    }
    cache.writeToDisk();
    return results;
  },
];

async function projectInputs(
  workspaceRoot: string,
  projectRoot: string,
  cache: PluginCache<PrismaInputs | null>,
): Promise<PrismaInputs | null> {
  const absoluteRoot = path.join(workspaceRoot, projectRoot);
  const configFiles = CONFIG_FILES.map((file) => path.join(absoluteRoot, file)).filter((file) => existsSync(file));
  const key = hashArray([PLUGIN_VERSION, projectRoot, ...configFiles.map((file) => `${file}\0${readFileSync(file, 'utf8')}`), ...defaultSchemaPaths(absoluteRoot)]);
  if (cache.has(key)) return cache.get(key) ?? null;
  let inputs: PrismaInputs | null;
  try {
    const layout = await resolvePrismaLayout(absoluteRoot);
    inputs = prismaInputs(layout, configFiles.filter((file) => !file.endsWith('package.json') || hasPrismaField(file)));
  } catch (error) {
    // A .prisma file outside any schema location Prisma would use: not a Prisma project.
    if (isForgeError(error) && error.code === 'SCHEMA_NOT_FOUND') inputs = null;
    else throw error;
  }
  cache.set(key, inputs);
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

/**
 * The plugin's version as a task input. Installed from the registry, that is the package's entry
 * in the lockfile; built from sources in this same workspace, it is those sources.
 */
function pluginVersionInput(workspaceRoot: string): string | { externalDependencies: string[] } {
  const packageDir = realpathSync(path.join(__dirname, '..', '..'));
  const relative = path.relative(realpathSync(workspaceRoot), packageDir);
  const insideWorkspaceSources = !relative.startsWith('..') && !relative.split(path.sep).includes('node_modules');
  return insideWorkspaceSources ? `{workspaceRoot}/${relative.split(path.sep).join('/')}/src/**/*` : { externalDependencies: [PLUGIN_PACKAGE] };
}
