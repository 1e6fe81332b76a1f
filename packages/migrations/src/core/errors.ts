/**
 * Every failure a user can act on is a ForgeError: a stable code, a message that names the
 * offending input, and a hint that says what to do. Executors print `message` and `hint` on one
 * line each and exit non-zero; nothing else about the error is shown.
 */
export type ForgeErrorCode =
  | 'SCHEMA_NOT_FOUND'
  | 'SCHEMA_INVALID'
  | 'PRISMA_CONFIG_INVALID'
  | 'MIGRATIONS_UNREADABLE'
  | 'MIGRATION_NAME_INVALID'
  | 'MIGRATION_EXISTS'
  | 'LOCKFILE_PROVIDER_MISMATCH'
  | 'DATABASE_UNREACHABLE'
  | 'EMBEDDED_DATABASE_FAILED'
  | 'DATABASE_URL_INVALID'
  | 'DATABASE_URL_MISSING'
  | 'DATABASE_SHARED'
  | 'EXTENSION_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  | 'FAILED_MIGRATIONS_FOUND'
  | 'ENGINE_ERROR'
  | 'DESCRIPTOR_INVALID'
  | 'CHANGE_INVALID'
  | 'NO_CHANGES'
  | 'SCHEMA_AHEAD_OF_MIGRATIONS'
  | 'PROOF_FAILED'
  | 'PROJECT_NOT_FOUND'
  | 'DATA_STEP_UNLOADABLE'
  | 'DATA_LOSS_NOT_APPROVED'
  | 'NOTHING_TO_APPROVE'
  | 'NOT_DEPLOYED'
  | 'INVALID_OPTION'
  | 'GIT_REF_NOT_FOUND'
  | 'PG_TOOL_MISSING'
  | 'BACKUP_FAILED'
  | 'BACKUP_INVALID'
  | 'RESTORE_FAILED'
  | 'DEPLOY_LOCKED'
  | 'MIGRATION_EDITED'
  | 'SAFETY_GATE'
  | 'STAGING_GATE'
  | 'DEPLOY_FAILED'
  | 'ROLLBACK_REFUSED';

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

/** One line with the cause, one with the hint: what an executor prints for a failure. */
export function describeError(error: unknown): string {
  if (isForgeError(error)) return `${error.message}\n  hint: ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}
