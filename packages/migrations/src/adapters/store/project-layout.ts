import path from 'node:path';
import { ForgeError } from '../../core/errors';
import type { SchemaFile } from '../../core/schema-compat';
import { readPrismaConfig } from './prisma-config';
import { diskFiles, type ProjectFiles } from './project-files';

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
export async function resolvePrismaLayout(projectRoot: string, files: ProjectFiles = diskFiles): Promise<PrismaLayout> {
  const root = path.resolve(projectRoot);
  const config = await readPrismaConfig(root, files);
  const configured = config?.schema ?? packageJsonSchema(root, files);
  const source = config?.schema ? path.relative(root, config.configFile) : configured ? 'package.json#prisma.schema' : 'default locations';

  const schemaPath = configured
    ? path.resolve(root, configured)
    : DEFAULT_SCHEMA_LOCATIONS.map((location) => path.join(root, location)).find((candidate) => files.exists(candidate));
  if (!schemaPath || !files.exists(schemaPath)) {
    throw new ForgeError(
      'SCHEMA_NOT_FOUND',
      configured
        ? `The Prisma schema "${configured}" named by ${source} does not exist in ${root}.`
        : `No Prisma schema in ${root} (looked for prisma.config.ts, package.json#prisma.schema, ${DEFAULT_SCHEMA_LOCATIONS.join(', ')}).`,
      'Create prisma/schema.prisma, or point prisma.config.ts at the schema.',
    );
  }

  const isFolder = files.isDirectory(schemaPath);
  const migrationsDir = config?.migrationsPath
    ? path.resolve(root, config.migrationsPath)
    : path.join(isFolder ? schemaPath : path.dirname(schemaPath), 'migrations');
  const schemaFiles = (isFolder ? listPrismaFiles(schemaPath, files) : [schemaPath]).map((file) => ({
    path: path.relative(root, file),
    content: files.read(file),
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

function packageJsonSchema(root: string, files: ProjectFiles): string | undefined {
  const file = path.join(root, 'package.json');
  if (!files.exists(file)) return undefined;
  try {
    const schema = JSON.parse(files.read(file))?.prisma?.schema;
    return typeof schema === 'string' ? schema : undefined;
  } catch {
    return undefined;
  }
}

function listPrismaFiles(dir: string, files: ProjectFiles): string[] {
  return files
    .list(dir)
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory) return listPrismaFiles(full, files);
      return entry.name.endsWith('.prisma') ? [full] : [];
    })
    .sort();
}
