import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockfileContent, migrationChecksum } from '../../core/migration-folders';
import { temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { readMigrationHistory } from './migration-store';

describe('readMigrationHistory', () => {
  let dir: TemporaryProject;
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(dir.dir, file)), { recursive: true });
    writeFileSync(path.join(dir.dir, file), content);
  };
  beforeEach(() => {
    dir = temporaryDir('forge-store-');
  });
  afterEach(() => dir.remove());

  it('reads every folder in name order with its script, checksum, down and seed', () => {
    write('migration_lock.toml', lockfileContent('postgresql'));
    write('20240102000000_second/migration.sql', 'SELECT 2;');
    write('20240101000000_first step/migration.sql', 'SELECT 1;');
    write('20240101000000_first step/down.sql', 'SELECT -1;');
    write('20240101000000_first step/seed.sql', 'INSERT INTO a VALUES (1);');
    write('20240101000000_first step/README.md', 'ignored, as Prisma ignores it');
    write('20240102000000_second/down.sql', '-- forge:irreversible: data is gone\n');
    const history = readMigrationHistory(dir.dir);
    expect(history.lockfile).toEqual({ path: 'migration_lock.toml', content: lockfileContent('postgresql') });
    expect(history.migrations).toEqual([
      {
        name: '20240101000000_first step',
        dir: path.join(dir.dir, '20240101000000_first step'),
        sql: 'SELECT 1;',
        checksum: migrationChecksum('SELECT 1;'),
        down: { kind: 'script', sql: 'SELECT -1;' },
        seedSql: 'INSERT INTO a VALUES (1);',
      },
      expect.objectContaining({
        name: '20240102000000_second',
        down: { kind: 'irreversible', sql: expect.any(String), reason: 'data is gone' },
        seedSql: undefined,
      }),
    ]);
  });

  it('treats a missing folder as an empty history', () => {
    expect(readMigrationHistory(path.join(dir.dir, 'nope')).migrations).toEqual([]);
  });

  it('refuses a folder without migration.sql, naming it', () => {
    mkdirSync(path.join(dir.dir, '20240101000000_empty'));
    expect(() => readMigrationHistory(dir.dir)).toThrow(/Migration folder ".*20240101000000_empty" has no migration.sql/);
  });

  it('refuses a path that is not a folder', () => {
    write('file', 'x');
    expect(() => readMigrationHistory(path.join(dir.dir, 'file'))).toThrow(/Cannot read ".*file" \(not a directory\)/);
  });

  it('refuses a history locked to another provider', () => {
    write('migration_lock.toml', lockfileContent('mysql'));
    expect(() => readMigrationHistory(dir.dir)).toThrow(/says provider "mysql"; this plugin migrates PostgreSQL only/);
  });
});
