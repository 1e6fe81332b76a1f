import type { SqlParser } from '../../core/sql/parser';
import { runsInOneTransaction } from '../../core/sql/transactions';
import type { Database } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { applyPendingMigrations } from '../shared/apply-migrations';
import type { KeptArchive } from '../shared/archive-registry';
import { checkRestores, describeArchives, putBackScript, restoreAfterReapply } from '../shared/archive-restore';

/**
 * Apply `migration` (and what comes before it in `upToThis` not applied yet), putting back what
 * the down of its last rollback dropped (`archives`): in the migration's own transaction when it
 * runs in one, so that a crash leaves both or neither; else right after it, in a transaction of
 * its own (a crash between the two is made good by the next deploy: see putBackLeftArchives).
 * What came back, as checkRestores says it.
 */
export async function applyPuttingBack(
  parser: SqlParser,
  database: Database,
  upToThis: readonly MigrationFolder[],
  migration: MigrationFolder,
  archives: readonly KeptArchive[],
  log: (line: string) => void,
): Promise<string[]> {
  const announce = () => {
    if (archives.length) log(`${migration.name}: putting back what its last rollback dropped: ${describeArchives(archives)}`);
  };
  if (!runsInOneTransaction(parser, migration.sql)) {
    await applyPendingMigrations(parser, database, upToThis);
    announce();
    return (await restoreAfterReapply(parser, database, migration.sql, archives, { compare: false })).map((check) => check.line);
  }
  announce();
  await applyPendingMigrations(parser, database, upToThis, async (applying, script) =>
    applying.name === migration.name && archives.length
      ? `${script}\n;\n${await putBackScript(parser, database, script, archives)}`
      : script,
  );
  return (await checkRestores(database, archives, { compare: false })).map((check) => check.line);
}
