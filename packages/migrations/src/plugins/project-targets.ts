import type { TargetConfiguration } from '@nx/devkit';
import path from 'node:path';
import type { PrismaLayout } from '../store/project-layout';

export interface MigrationsPluginOptions {
  /** Name of the inferred test target. */
  testTargetName?: string;
  /** Name of the inferred lint target. */
  lintTargetName?: string;
  /** Where reports go, under the workspace root; one folder per project root. */
  reportsDirectory?: string;
}

export interface NormalizedOptions {
  testTargetName: string;
  lintTargetName: string;
  reportsDirectory: string;
}

export function normalizeOptions(options: MigrationsPluginOptions | undefined): NormalizedOptions {
  return {
    testTargetName: options?.testTargetName ?? 'migrate-test',
    lintTargetName: options?.lintTargetName ?? 'migrate-lint',
    reportsDirectory: options?.reportsDirectory ?? 'reports/migrate-test',
  };
}

/** The paths of a project's Prisma files, as Nx input globs relative to the project root. */
export interface PrismaInputs {
  schema: string;
  migrations: string;
  config: string[];
}

export function prismaInputs(layout: PrismaLayout, configFiles: string[]): PrismaInputs {
  const relative = (file: string) => path.relative(layout.projectRoot, file).split(path.sep).join('/');
  const schema = relative(layout.schemaPath);
  return {
    schema: layout.schemaFiles.length === 1 && schema.endsWith('.prisma') ? schema : `${schema}/**/*.prisma`,
    migrations: `${relative(layout.migrationsDir)}/**/*`,
    config: configFiles.map(relative),
  };
}

/**
 * The `migrate-test` target: cacheable, its inputs exactly what the result depends on (the
 * schema, the migrations, the Prisma config, the plugin's version, the database it runs on).
 */
export function migrateTestTarget(
  inputs: PrismaInputs,
  pluginVersionInput: string | { externalDependencies: string[] },
  options: NormalizedOptions,
): TargetConfiguration {
  const reports = `${options.reportsDirectory}/{projectRoot}`;
  return {
    executor: '@forge/migrations:test',
    cache: true,
    inputs: [
      `{projectRoot}/${inputs.schema}`,
      `{projectRoot}/${inputs.migrations}`,
      ...inputs.config.map((file) => `{projectRoot}/${file}`),
      pluginVersionInput,
      { env: 'TEST_DATABASE_URL' },
    ],
    outputs: [`{workspaceRoot}/${reports}`],
    options: {
      reportFile: `${reports}/report.json`,
      junitFile: `${reports}/junit.xml`,
    },
    metadata: {
      technologies: ['prisma', 'postgresql'],
      description:
        'Test the Prisma migrations on a throwaway database: apply with representative rows, check the rows, prove each down.sql, check idempotency and drift.',
      help: {
        command: 'npx nx run <project>:migrate-test --help',
        example: { options: { allowDrift: true } },
      },
    },
  };
}

/**
 * The `migrate-lint` target: cacheable on the migrations, the Prisma config and the plugin's
 * version, plus the commit of the default branch (what `--onlyNew` leaves out depends on it).
 */
export function migrateLintTarget(
  inputs: PrismaInputs,
  pluginVersionInput: string | { externalDependencies: string[] },
  defaultBase: string,
): TargetConfiguration {
  const baseCommit = /^[\w./-]+$/.test(defaultBase) ? [{ runtime: `git rev-parse --verify --quiet ${defaultBase} || echo none` }] : [];
  return {
    executor: '@forge/migrations:lint',
    cache: true,
    inputs: [`{projectRoot}/${inputs.migrations}`, ...inputs.config.map((file) => `{projectRoot}/${file}`), pluginVersionInput, ...baseCommit],
    outputs: ['{options.outputFile}'],
    metadata: {
      technologies: ['prisma', 'postgresql'],
      description: 'The safety findings of the migrations (data loss, breaking changes, locks, data-dependent steps); fails on data loss that is not approved.',
      help: {
        command: 'npx nx run <project>:migrate-lint --help',
        example: { options: { format: 'sarif', outputFile: 'reports/migrate-lint/{projectRoot}/findings.sarif', onlyNew: true } },
      },
    },
  };
}
