import type { TargetConfiguration } from '@nx/devkit';
import path from 'node:path';
import type { PrismaLayout } from '../adapters/store/project-layout';

export interface MigrationsPluginOptions {
  /** Name of the inferred test target. */
  testTargetName?: string;
  /** Name of the inferred lint target. */
  lintTargetName?: string;
  /** Where reports go, under the workspace root; one folder per project root. */
  reportsDirectory?: string;
  deployTargetName?: string;
  rollbackTargetName?: string;
  statusTargetName?: string;
  archivesTargetName?: string;
  uiTargetName?: string;
  /** Whether migrate-deploy runs the same project's migrate-test first. Default true. */
  deployDependsOnTest?: boolean;
  /**
   * The environments deployed in order, each a configuration of migrate-deploy (and rollback,
   * status) reading its URL from `<NAME>_DATABASE_URL`; each after the first refuses migrations
   * the one before has not had. Default staging, production.
   */
  environments?: string[];
  /**
   * The schema each venture owns when the ventures share their databases (as Prisma's
   * `?schema=`), `{projectName}` for the project's name; given to deploy, rollback and status.
   * Default: none (each venture's URL says, else it owns the whole database).
   */
  ventureSchema?: string;
}

export type NormalizedOptions = Required<Omit<MigrationsPluginOptions, 'ventureSchema'>> & Pick<MigrationsPluginOptions, 'ventureSchema'>;

export function normalizeOptions(options: MigrationsPluginOptions | undefined): NormalizedOptions {
  return {
    testTargetName: options?.testTargetName ?? 'migrate-test',
    lintTargetName: options?.lintTargetName ?? 'migrate-lint',
    reportsDirectory: options?.reportsDirectory ?? 'reports/migrate-test',
    deployTargetName: options?.deployTargetName ?? 'migrate-deploy',
    rollbackTargetName: options?.rollbackTargetName ?? 'migrate-rollback',
    statusTargetName: options?.statusTargetName ?? 'migrate-status',
    archivesTargetName: options?.archivesTargetName ?? 'migrate-archives',
    uiTargetName: options?.uiTargetName ?? 'migrate-ui',
    deployDependsOnTest: options?.deployDependsOnTest ?? true,
    environments: options?.environments ?? ['staging', 'production'],
    ventureSchema: options?.ventureSchema,
  };
}

/** The paths of a project's Prisma files, as Nx input globs relative to the project root. */
/** What stands for the plugin's version among a target's inputs. */
export type PluginVersionInput = string | { externalDependencies: string[] } | { runtime: string };

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
  pluginVersionInput: PluginVersionInput,
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
export function migrateLintTarget(inputs: PrismaInputs, pluginVersionInput: PluginVersionInput, defaultBase: string): TargetConfiguration {
  const baseCommit = /^[\w./-]+$/.test(defaultBase) ? [{ runtime: `git rev-parse --verify --quiet ${defaultBase} || echo none` }] : [];
  return {
    executor: '@forge/migrations:lint',
    cache: true,
    inputs: [
      `{projectRoot}/${inputs.migrations}`,
      ...inputs.config.map((file) => `{projectRoot}/${file}`),
      pluginVersionInput,
      ...baseCommit,
      { env: 'NX_BASE' },
    ],
    outputs: ['{options.outputFile}'],
    metadata: {
      technologies: ['prisma', 'postgresql'],
      description:
        'The safety findings of the migrations (data loss, breaking changes, locks, data-dependent steps); fails on data loss that is not approved.',
      help: {
        command: 'npx nx run <project>:migrate-lint --help',
        example: { options: { format: 'sarif', outputFile: 'reports/migrate-lint/{projectRoot}/findings.sarif', onlyNew: true } },
      },
    },
  };
}

/**
 * `migrate-deploy`, `migrate-rollback`, `migrate-status`, `migrate-archives` and `migrate-ui`: never cached (their result is the
 * live database's); deploy runs the same project's migrate-test first unless told not to, and
 * the deploys of the projects it depends on.
 * Rollback reads the migrate-test report to say whether each down was verified.
 */
export function databaseTargets(options: NormalizedOptions): Record<string, TargetConfiguration> {
  const environments = (gate: boolean) =>
    Object.fromEntries(
      options.environments.map((name, index) => [
        name,
        {
          environment: name,
          urlEnv: environmentUrlEnv(name),
          ...(gate && index > 0
            ? {
                requireDeployedTo: {
                  environment: options.environments[index - 1],
                  urlEnv: environmentUrlEnv(options.environments[index - 1]),
                },
              }
            : {}),
        },
      ]),
    );
  const testReport = `${options.reportsDirectory}/{projectRoot}/report.json`;
  const help = (target: string, example: Record<string, unknown>) => ({
    command: `npx nx run <project>:${target} --help`,
    example: { options: example },
  });
  const schema = options.ventureSchema ? { schema: options.ventureSchema } : {};
  const onDatabase = (executor: string, description: string, helpText: ReturnType<typeof help>): TargetConfiguration => ({
    executor: `@forge/migrations:${executor}`,
    cache: false,
    options: { ...schema },
    configurations: environments(false),
    metadata: { technologies: ['prisma', 'postgresql'], description, help: helpText },
  });
  return {
    [options.deployTargetName]: {
      executor: '@forge/migrations:deploy',
      cache: false,
      // A venture deploys after the ventures it depends on (their tables may be what its migrations use).
      dependsOn: [...(options.deployDependsOnTest ? [options.testTargetName] : []), `^${options.deployTargetName}`],
      options: { ...schema },
      configurations: environments(true),
      metadata: {
        technologies: ['prisma', 'postgresql'],
        description:
          'Deploy the pending migrations to the database in DATABASE_URL (else the embedded one): lock, ' +
          'preflight, verified backup, apply, verify; automatic rollback on failure.',
        help: help(options.deployTargetName, { urlEnv: 'PRODUCTION_DATABASE_URL', dryRun: true }),
      },
    },
    [options.rollbackTargetName]: {
      executor: '@forge/migrations:rollback',
      cache: false,
      options: { testReport, ...schema },
      configurations: environments(false),
      metadata: {
        technologies: ['prisma', 'postgresql'],
        description:
          'Roll the database back by down scripts (--steps, --to, --toVersion) or from a verified backup (--fromBackup), after showing the impact and asking.',
        help: help(options.rollbackTargetName, { steps: 1 }),
      },
    },
    [options.statusTargetName]: onDatabase(
      'status',
      'Applied, pending, failed and rolled back migrations, drift, the schema version and the versions of everything; --check for CI.',
      help(options.statusTargetName, { check: true }),
    ),
    [options.archivesTargetName]: onDatabase(
      'archives',
      'The archives of what deploys and rollbacks dropped, which a rollback puts back; --purge drops those past their retention, --purge --all every one.',
      help(options.archivesTargetName, { purge: true }),
    ),
    [options.uiTargetName]: {
      executor: '@forge/migrations:ui',
      cache: false,
      continuous: true,
      metadata: {
        technologies: ['prisma', 'postgresql'],
        description:
          'A local web dashboard of every venture: migrations, diffs and diagrams, deploy history, rollback. --static <dir> writes an HTML report.',
        help: help(options.uiTargetName, { port: 4300 }),
      },
    },
  };
}

/** The variable an environment's database URL is read from: `STAGING_DATABASE_URL` for staging. */
export function environmentUrlEnv(environment: string): string {
  return `${environment.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DATABASE_URL`;
}
