import path from 'node:path';
import { ForgeError } from '../../core/errors';
import type { ProjectFiles } from './project-files';

export interface PrismaConfigPaths {
  configFile: string;
  /** Absolute, as resolved by Prisma's loader. */
  schema?: string;
  migrationsPath?: string;
}

const EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.mts', '.cts'];
/** Where Prisma 7 looks for its config file (findPrismaConfigFile), relative to the project root. */
export const PRISMA_CONFIG_CANDIDATES = [
  ...['prisma7.config', path.join('.config', 'prisma7')].flatMap((base) => EXTENSIONS.map((ext) => base + ext)),
  ...['prisma.config', path.join('.config', 'prisma'), path.join('.config', 'prisma.config')].flatMap((base) =>
    EXTENSIONS.flatMap((ext) => [base + ext, path.join(base, `index${ext}`)]),
  ),
];

const ENV_ERROR = /Cannot resolve environment variable: ([A-Za-z_][A-Za-z0-9_]*)/;
const ENV_CALL = /\benv\(\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]/g;
const MAX_PLACEHOLDERS = 20;

/**
 * Read `prisma.config.ts` (or .js/.mjs/...) with Prisma's own loader. Only the schema and
 * migrations paths are used here, so a config that reads a connection URL with `env()` is still
 * loaded when that variable is unset: the variable gets a placeholder for the duration of the
 * load, and is removed again.
 */
export async function readPrismaConfig(projectRoot: string, files: ProjectFiles): Promise<PrismaConfigPaths | undefined> {
  // Prisma's loader takes a fifth of a second to import: only when there is a config to load.
  if (!PRISMA_CONFIG_CANDIDATES.some((file) => files.exists(path.join(projectRoot, file)))) return undefined;
  const { findPrismaConfigFile, loadConfigFromFile } = await import('@prisma/config');
  const configFile = findPrismaConfigFile(projectRoot);
  if (!configFile) return undefined;

  // Variables read with env("NAME") are given their placeholder up front (a module loader may
  // cache the first, failing evaluation); others are found from the error, one load at a time.
  const placeholders = [...files.read(configFile).matchAll(ENV_CALL)]
    .map((match) => match[1])
    .filter((name, index, names) => process.env[name] === undefined && names.indexOf(name) === index);
  placeholders.forEach(setPlaceholder);
  try {
    for (;;) {
      const result = await loadConfigFromFile({ configFile });
      if (!result.error) {
        return {
          configFile,
          schema: result.config.schema,
          migrationsPath: result.config.migrations?.path,
        };
      }
      const reason = 'error' in result.error ? result.error.error.message : result.error._tag;
      const missingVariable = ENV_ERROR.exec(reason)?.[1];
      if (!missingVariable || placeholders.length >= MAX_PLACEHOLDERS || placeholders.includes(missingVariable)) {
        throw new ForgeError(
          'PRISMA_CONFIG_INVALID',
          `Cannot load ${configFile}: ${firstLine(reason)}`,
          /Cannot find module 'prisma\/config'/.test(reason)
            ? 'Install the `prisma` package in the workspace (the config imports it), or import defineConfig from "@prisma/config".'
            : 'Fix the config file so that `prisma validate` can load it.',
        );
      }
      placeholders.push(missingVariable);
      setPlaceholder(missingVariable);
    }
  } finally {
    for (const name of placeholders) delete process.env[name];
  }
}

function setPlaceholder(name: string): void {
  process.env[name] = 'postgresql://placeholder@localhost/placeholder';
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
