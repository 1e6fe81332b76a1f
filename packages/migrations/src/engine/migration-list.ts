import type { MigrationList } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import { MIGRATION_SCRIPT } from '../core/migration-folders';
import type { MigrationFolder, MigrationHistory } from '../store/migration-store';

/** The engine's view of a migration history, already read from disk. */
export function toEngineMigrationList(
  history: Pick<MigrationHistory, 'dir' | 'lockfile'>,
  migrations: readonly Pick<MigrationFolder, 'name' | 'sql'>[],
): MigrationList {
  return {
    baseDir: history.dir,
    lockfile: history.lockfile,
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: MIGRATION_SCRIPT, content: { tag: 'ok', value: migration.sql } },
    })),
  };
}
