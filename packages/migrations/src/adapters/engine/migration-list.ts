import type { MigrationList } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import { lockfileContent, MIGRATION_SCRIPT } from '../../core/migration-folders';
import type { MigrationFolder, MigrationHistory } from '../store/migration-store';

/** The engine's view of a migration history, already read from disk. */
export function toEngineMigrationList(
  history: Pick<MigrationHistory, 'dir' | 'lockfile'>,
  migrations: readonly Pick<MigrationFolder, 'name' | 'sql'>[],
): MigrationList {
  return {
    baseDir: history.dir,
    // A history Prisma has not written a lockfile for yet is PostgreSQL's: the only provider here.
    lockfile: { path: history.lockfile.path, content: history.lockfile.content ?? lockfileContent('postgresql') },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: MIGRATION_SCRIPT, content: { tag: 'ok', value: migration.sql } },
    })),
  };
}
