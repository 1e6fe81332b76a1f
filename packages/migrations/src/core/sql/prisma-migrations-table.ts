/**
 * Statements on Prisma's `_prisma_migrations` table that the engine has no command for. Rows are
 * only ever marked, never deleted: a migration marked rolled back is ignored by Prisma, so
 * `prisma migrate deploy` (or this plugin) applies it again later, and the audit trail stays.
 */
export const MARK_ROLLED_BACK = `
  UPDATE "_prisma_migrations" SET rolled_back_at = now()
  WHERE migration_name = $1 AND rolled_back_at IS NULL`;
