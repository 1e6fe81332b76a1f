/**
 * Every failure a user can act on is a ForgeError: a stable code, a message that names the
 * offending input, and a hint that says what to do. Executors print the message, the hint and
 * the code and exit non-zero; nothing else about the error is shown. Each code names one
 * situation; the README lists them (a test keeps it current).
 */
export const ERROR_CODES = {
  SCHEMA_NOT_FOUND: 'no Prisma schema where Prisma would look for one',
  SCHEMA_INVALID: 'the Prisma schema cannot be read, or Prisma rejects it',
  PRISMA_CONFIG_INVALID: 'prisma.config.ts cannot be loaded',
  MIGRATIONS_UNREADABLE: 'the migrations folder or a migration in it cannot be read',
  MIGRATION_NAME_INVALID: 'a migration name Prisma would not accept',
  LOCKFILE_PROVIDER_MISMATCH: 'migration_lock.toml names another provider than postgresql',
  DATABASE_UNREACHABLE: 'the database in the named variable does not answer',
  EMBEDDED_DATABASE_FAILED: 'the embedded database (PGlite) or its snapshot could not start',
  DATABASE_URL_INVALID: 'the variable holds no valid PostgreSQL URL, or an unsafe schema name',
  DATABASE_SHARED: 'a venture owning the whole database, in a database ventures with schemas share',
  EXTENSION_UNAVAILABLE: 'a migration creates an extension the database does not have',
  MIGRATION_FAILED: 'an existing migration does not apply on an empty database',
  FAILED_MIGRATIONS_FOUND: 'the database holds a failed migration not yet resolved',
  ENGINE_ERROR: "Prisma's schema engine failed",
  DESCRIPTOR_INVALID: 'a change descriptor that is not valid',
  CHANGE_INVALID: 'a change that does not fit the schema',
  NO_CHANGES: 'nothing to migrate',
  SCHEMA_AHEAD_OF_MIGRATIONS: 'schema.prisma holds changes no migration makes',
  PROOF_FAILED: 'a generated migration does not prove (up, down, up)',
  PROJECT_NOT_FOUND: 'no such project in the workspace',
  DATA_STEP_UNLOADABLE: "a migration's data step cannot be loaded",
  DATA_LOSS_NOT_APPROVED: 'the generator would write a destructive migration without --allowDataLoss',
  NOTHING_TO_APPROVE: 'an approval asked for a migration without data loss',
  NOT_DEPLOYED: 'a rollback of a database that has no migration applied',
  INVALID_OPTION: 'an option value that cannot be used',
  GIT_REF_NOT_FOUND: 'the base of --onlyNew is not a commit of the repository',
  PG_TOOL_MISSING: 'pg_dump, pg_restore or psql, as new as the server, is not installed',
  BACKUP_FAILED: 'the backup could not be taken',
  BACKUP_INVALID: 'a backup that is missing, altered or unreadable',
  RESTORE_FAILED: 'a backup could not be restored',
  DEPLOY_LOCKED: 'another deploy or rollback holds the lock past lockTimeout',
  MIGRATION_EDITED: 'an applied migration.sql was edited since',
  SAFETY_GATE: 'a destructive finding would lose data on this database, unapproved',
  STAGING_GATE: 'a migration not yet deployed, unchanged, to the environment before',
  LIVE_DRIFT: 'the live database differs from what its applied migrations make',
  HEALTH_CHECK_FAILED: 'the health check failed after the deploy (which was rolled back)',
  DEPLOY_INCOMPLETE: 'migrations still pending or failed after the deploy',
  RECOVERY_FAILED: 'an interrupted deploy could not be undone and proven',
  ROLLBACK_REFUSED: 'a rollback that cannot be done as asked',
} as const;

export type ForgeErrorCode = keyof typeof ERROR_CODES;

export class ForgeError extends Error {
  override readonly name = 'ForgeError';

  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isForgeError(error: unknown): error is ForgeError {
  return error instanceof ForgeError;
}

/** The cause, then the hint and the code on lines of their own: what an executor prints for a failure. */
export function describeError(error: unknown): string {
  if (isForgeError(error)) return `${error.message}\n  hint: ${error.hint}\n  code: ${error.code}`;
  return error instanceof Error ? error.message : String(error);
}
