import type { MigrationFolder } from '../../adapters/store/migration-store';
import type { DeployInput } from '../deploy';
import { applyPendingMigrations } from '../shared/apply-migrations';
import { downArchivesByMigration } from '../shared/archive-registry';
import { checkRestores, describeArchives, putBackScript, restoreAfterReapply } from '../shared/archive-restore';
import { archiveBefore } from './archive-before';
import { runStep } from './data-steps';
import type { EventLog } from './event-log';
import type { JudgedFinding } from '../../core/deploy/live-gate';
import { recheckBeforeMigration } from './preflight';

/**
 * The deploy's pending migrations, in order, in one session under Prisma's lock. Around each: the
 * safety gate's recheck and the archive of what it drops before it; then the migration, putting
 * back what the down of its last rollback dropped; then its data step. Its `migration_applied`
 * event commits in the migration's own transaction, so that a crash leaves both or neither;
 * after it, with what came back, when it runs outside one or puts something back.
 * `applied` grows as each migration starts, for a rollback to know what to undo.
 */
export async function applyPending(
  input: DeployInput,
  events: EventLog,
  pending: readonly MigrationFolder[],
  judged: readonly JudgedFinding[],
  runId: string,
  warnings: string[],
  applied: MigrationFolder[],
): Promise<void> {
  const { parser, target, history, log } = input;
  if (pending.length === 0) return;
  const toPutBack = await downArchivesByMigration(target.database);
  const archivesOf = (migration: MigrationFolder) => toPutBack.get(migration.name) ?? [];
  const upToLast = history.migrations.slice(0, history.migrations.indexOf(pending[pending.length - 1]) + 1);
  let started = 0;
  let event: ReturnType<EventLog['inScript']> | undefined;
  await applyPendingMigrations(parser, target.database, upToLast, {
    before: async (migration) => {
      started = Date.now();
      event = undefined;
      await recheckBeforeMigration(target.database, judged, migration.name);
      await archiveBefore(input, events, migration, runId, warnings);
      log(`applying ${migration.name}`);
      applied.push(migration);
      const archives = archivesOf(migration);
      if (archives.length) log(`${migration.name}: putting back what its last rollback dropped: ${describeArchives(archives)}`);
    },
    inTransaction: async (migration, script) => {
      const archives = archivesOf(migration);
      if (archives.length) return `${script}\n;\n${await putBackScript(parser, target.database, script, archives)}`;
      event = events.inScript('migration_applied', { migrations: [migration.name] });
      return `${script}\n;\n${event.sql}`;
    },
    after: async (migration, together) => {
      if (event) event.written(Date.now() - started);
      else {
        const archives = archivesOf(migration);
        const checks = together
          ? await checkRestores(target.database, archives, { compare: false })
          : await restoreAfterReapply(parser, target.database, migration.sql, archives, { compare: false });
        const restored = checks.map((check) => check.line);
        restored.forEach((line) => log(`${migration.name}: ${line}`));
        await events.record('migration_applied', {
          migrations: [migration.name],
          durationMs: Date.now() - started,
          ...(restored.length ? { details: { restored } } : {}),
        });
      }
      event = undefined;
      await runStep(input, events, migration);
    },
  });
}
