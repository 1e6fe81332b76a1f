import { supersedeSql } from '../../core/archive/archive-sql';
import type { SqlParser } from '../../core/sql/parser';
import type { SqlRunner } from '../../adapters/db/database';
import type { MigrationFolder } from '../../adapters/store/migration-store';
import { ventureArchiveSchema } from '../shared/archive-capture';
import { downArchivesByMigration } from '../shared/archive-registry';
import { describeArchives, restoreAfterReapply } from '../shared/archive-restore';
import { readAppliedState } from './applied-state';
import type { EventLog } from './event-log';

/**
 * At the start of a deploy: what rollbacks' downs dropped, of migrations applied again but never
 * put back (a deploy killed between a migration run outside a transaction and its restore), goes
 * back now. Such an archive taken after its migration was last applied belongs to a down that
 * never committed (a rollback killed between the two): the values it holds are still in place,
 * and it goes.
 */
export async function putBackLeftArchives(
  parser: SqlParser,
  database: SqlRunner,
  migrations: readonly MigrationFolder[],
  events: EventLog,
): Promise<void> {
  const left = await downArchivesByMigration(database);
  if (left.size === 0) return;
  const { applied } = await readAppliedState(database);
  for (const [migration, archives] of left) {
    const row = applied.get(migration);
    if (!row) continue; // its next deploy puts them back
    const [{ reapplied }] = await database.query<{ reapplied: boolean }>('SELECT $1::timestamptz > $2::timestamptz AS reapplied', [
      row.finished_at,
      archives[0].createdAt,
    ]);
    if (reapplied) {
      const sql = migrations.find((candidate) => candidate.name === migration)?.sql ?? '';
      const restored = (await restoreAfterReapply(parser, database, sql, archives, { compare: false })).map((check) => check.line);
      restored.forEach((line) => events.log(`${migration}: ${line}`));
      await events.record('recovered', {
        migrations: [migration],
        details: { how: 'applied again by a deploy interrupted before it put back what its last rollback dropped: put back now', restored },
      });
    } else {
      await database.executeScript(supersedeSql(await ventureArchiveSchema(database), migration, 'down'));
      await events.record('recovered', {
        migrations: [migration],
        details: {
          how: `the rollback that archived ${describeArchives(archives)} was interrupted before its down: the values are in place, the archive dropped`,
        },
      });
    }
  }
}
