/**
 * The options' defaults, once: the code reads them here, and defaults.spec.ts checks that every
 * schema.json (what Nx fills in before a run) says the same.
 */

/** The database every command on a venture's live database works on. */
const DATABASE = {
  urlEnv: 'DATABASE_URL',
  dataDir: '{projectRoot}/.forge/pglite',
  lockTimeout: 60,
} as const;

const BACKUPS = {
  backupDir: '.forge/backups/{projectRoot}',
  backupRetention: 10,
} as const;

/** The variable holding the webhook URL that failures are posted to. */
const WEBHOOK_ENV = 'MIGRATIONS_WEBHOOK_URL';

/** The variable holding the URL of the PostgreSQL server throwaway databases are made on. */
const TEST_URL_ENV = 'TEST_DATABASE_URL';

/** What the deploy, rollback and status executors share. */
export const DATABASE_DEFAULTS = { ...DATABASE, ...BACKUPS, webhookEnv: WEBHOOK_ENV } as const;

export const DEPLOY_DEFAULTS = {
  ...DATABASE,
  ...BACKUPS,
  allowDrift: false,
  healthCheck: { timeout: 30 },
  reportDir: 'reports/migrate-deploy/{projectRoot}',
  webhookEnv: WEBHOOK_ENV,
  dryRun: false,
  archiveRetentionDays: 7,
  archiveLimitMb: 1024,
} as const;

export const ROLLBACK_DEFAULTS = {
  ...DATABASE,
  ...BACKUPS,
  yes: false,
  testReport: 'reports/migrate-test/{projectRoot}/report.json',
  reportDir: 'reports/migrate-rollback/{projectRoot}',
  webhookEnv: WEBHOOK_ENV,
} as const;

export const STATUS_DEFAULTS = {
  ...DATABASE,
  json: false,
  check: false,
  versionFile: '{projectRoot}/DATABASE_VERSION.md',
} as const;

export const ARCHIVES_DEFAULTS = {
  ...DATABASE,
  purge: false,
  all: false,
  yes: false,
  json: false,
} as const;

export const UI_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  lockTimeout: 2,
  backupRetention: BACKUPS.backupRetention,
} as const;

export const TEST_DEFAULTS = {
  urlEnv: TEST_URL_ENV,
  allowDrift: false,
  strictData: false,
  noPrefixCache: false,
} as const;

export const MIGRATION_GENERATOR_DEFAULTS = {
  allowDataLoss: false,
  urlEnv: DATABASE.urlEnv,
  testUrlEnv: TEST_URL_ENV,
  skipFormat: false,
} as const;

export const CI_DEFAULTS = {
  provider: 'github',
  nodeVersion: '20',
  postgresVersion: '15',
  environments: ['staging', 'production'],
  webhookEnv: WEBHOOK_ENV,
} as const;
