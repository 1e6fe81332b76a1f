import {
  checksumMatches,
  lockfileContent,
  lockfileProvider,
  migrationChecksum,
  migrationFolderName,
  nextMigrationFolderName,
  parseDownScript,
} from './migration-folders';

describe('migration folder conventions', () => {
  it('checksums as Prisma does: lowercase hex SHA-256 of the script', () => {
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('accepts a checksum taken before line endings changed', () => {
    const lf = 'CREATE TABLE a (id int);\nSELECT 1;\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    expect(checksumMatches(crlf, migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(lf, migrationChecksum(crlf))).toBe(true);
    expect(checksumMatches(lf + '-- edited', migrationChecksum(lf))).toBe(false);
  });

  it('names folders with a UTC timestamp and a snake_case name', () => {
    const date = new Date(Date.UTC(2024, 0, 31, 9, 30, 5));
    expect(migrationFolderName(date, 'add-user preferences')).toBe('20240131093005_add_user_preferences');
    expect(migrationFolderName(date, 'addUserPreferences')).toBe('20240131093005_add_user_preferences');
    expect(migrationFolderName(date, '')).toBe('20240131093005');
    expect(migrationFolderName(date, 'x'.repeat(300))).toHaveLength(200);
  });

  it('sorts a new folder after every existing one, even within the same second', () => {
    const now = new Date(Date.UTC(2024, 0, 31, 9, 30, 5));
    expect(nextMigrationFolderName(now, 'next', ['20240131093004_a'])).toBe('20240131093005_next');
    expect(nextMigrationFolderName(now, 'next', ['20240131093005_z'])).toBe('20240131093006_next');
    expect(nextMigrationFolderName(now, 'next', ['20250101000000_future', '01_init'])).toBe('20250101000001_next');
  });

  it('writes and reads the lockfile provider', () => {
    expect(lockfileProvider(lockfileContent('postgresql'))).toBe('postgresql');
    expect(lockfileProvider('# nothing')).toBeUndefined();
  });

  it('reads an irreversible down declaration with its reason', () => {
    expect(parseDownScript('-- forge:irreversible: the dropped rows cannot be restored\n')).toEqual({
      kind: 'irreversible',
      sql: '-- forge:irreversible: the dropped rows cannot be restored\n',
      reason: 'the dropped rows cannot be restored',
    });
    expect(parseDownScript('DROP TABLE "A";')).toEqual({ kind: 'script', sql: 'DROP TABLE "A";' });
  });
});
