import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../core/errors';
import type { SchemaFile } from '../core/schema-compat';
import { readPrismaConfig } from './prisma-config';

export interface PrismaLayout {
  projectRoot: string;
  /** The schema file, or the folder of `.prisma` files. Absolute. */
  schemaPath: string;
  /** Paths relative to the project root, sorted. */
  schemaFiles: SchemaFile[];
  migrationsDir: string;
  /** Where the layout came from, for messages. */
  source: string;
}

/** Default schema locations, in the order Prisma looks for them. */
const DEFAULT_SCHEMA_LOCATIONS = ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'];

/**
 * Find a project's Prisma schema and migrations folder the way Prisma does: `prisma.config.ts`,
 * then the `prisma.schema` field of package.json, then the default locations. The migrations
 * folder is the config's `migrations.path`, else `migrations` beside the schema file (or inside
 * the schema folder).
 */
export async function resolvePrismaLayout(projectRoot: string): Promise<PrismaLayout> {
  const root = path.resolve(projectRoot);
  const config = await readPrismaConfig(root);
  const configured = config?.schema ?? packageJsonSchema(root);
  const source = config?.schema
    ? path.relative(root, config.configFile)
    : configured
      ? 'package.json#prisma.schema'
      : 'default locations';

  const schemaPath = configured
    ? path.resolve(root, configured)
    : DEFAULT_SCHEMA_LOCATIONS.map((location) => path.join(root, location)).find((candidate) => existsSync(candidate));
  if (!schemaPath || !existsSync(schemaPath)) {
    throw new ForgeError(
      'SCHEMA_NOT_FOUND',
      configured
        ? `The Prisma schema "${configured}" named by ${source} does not exist in ${root}.`
        : `No Prisma schema in ${root} (looked for prisma.config.ts, package.json#prisma.schema, ${DEFAULT_SCHEMA_LOCATIONS.join(', ')}).`,
      'Create prisma/schema.prisma, or point prisma.config.ts at the schema.',
    );
  }

  const isFolder = statSync(schemaPath).isDirectory();
  const migrationsDir = config?.migrationsPath
    ? path.resolve(root, config.migrationsPath)
    : path.join(isFolder ? schemaPath : path.dirname(schemaPath), 'migrations');
  const schemaFiles = (isFolder ? listPrismaFiles(schemaPath) : [schemaPath]).map((file) => ({
    path: path.relative(root, file),
    content: readFileSync(file, 'utf8'),
  }));
  if (schemaFiles.length === 0) {
    throw new ForgeError(
      'SCHEMA_NOT_FOUND',
      `The schema folder ${schemaPath} holds no .prisma file.`,
      'Add the schema files, or point prisma.config.ts at the right folder.',
    );
  }
  return { projectRoot: root, schemaPath, schemaFiles, migrationsDir, source };
}

function packageJsonSchema(root: string): string | undefined {
  const file = path.join(root, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const schema = JSON.parse(readFileSync(file, 'utf8'))?.prisma?.schema;
    return typeof schema === 'string' ? schema : undefined;
  } catch {
    return undefined;
  }
}

function listPrismaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.prisma'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
