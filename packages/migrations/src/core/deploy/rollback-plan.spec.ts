import { schemaVersions } from '../schema-version';
import { loadSqlParser, type SqlParser } from '../sql/parser';
import type { TestReport } from '../test-report';
import { migrationChecksum } from '../migration-folders';
import { migrationsToUndo, undoImpact } from './rollback-plan';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

const script = (sql: string) => ({ kind: 'script' as const, sql });
const HISTORY = [
  { name: '1_init', sql: 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);', down: script('DROP TABLE "User";') },
  { name: '2_email', sql: 'ALTER TABLE "User" ADD COLUMN "email" TEXT;', down: script('ALTER TABLE "User" DROP COLUMN "email";') },
  {
    name: '3_drop_email',
    sql: 'ALTER TABLE "User" DROP COLUMN "email";',
    down: { kind: 'irreversible' as const, sql: '', reason: 'the emails are gone' },
  },
  { name: '4_pending', sql: 'CREATE INDEX "i" ON "User" ("id");' },
];
const applied = new Map(HISTORY.slice(0, 3).map((migration) => [migration.name, {}]));
let versions: ReturnType<typeof schemaVersions>;
beforeAll(() => (versions = schemaVersions(parser, HISTORY)));
const names = (selector: Parameters<typeof migrationsToUndo>[2]) =>
  migrationsToUndo(HISTORY, applied, selector, versions).map((migration) => migration.name);

describe('migrationsToUndo', () => {
  it('selects the latest applied, newest first, by steps, by migration and by version', () => {
    expect(names({ steps: 1 })).toEqual(['3_drop_email']);
    expect(names({ steps: 3 })).toEqual(['3_drop_email', '2_email', '1_init']);
    expect(names({ to: '1_init' })).toEqual(['3_drop_email', '2_email']);
    expect(names({ toVersion: versions[1].version })).toEqual(['3_drop_email']);
    expect(names({ toVersion: '0.0.0' })).toEqual(['3_drop_email', '2_email', '1_init']);
  });

  it('refuses what it cannot select, naming the input', () => {
    expect(() => names({ steps: 0 })).toThrow(/--steps must be a whole number of at least 1, not 0/);
    expect(() => names({ steps: 4 })).toThrow(/--steps=4 asks for more than the 3 applied migrations/);
    expect(() => names({ to: '4_pending' })).toThrow(/--to=4_pending: that migration is not applied to this database/);
    expect(() => names({ to: '3_drop_email' })).toThrow(/3_drop_email is already the latest applied/);
    expect(() => names({ toVersion: 'v1' })).toThrow(/--toVersion=v1 is not a version/);
    expect(() => names({ toVersion: versions[3].version })).toThrow(/4_pending, which is not applied to this database/);
    expect(() => migrationsToUndo(HISTORY, new Map(), { steps: 1 }, versions)).toThrow(/No migration is applied/);
  });
});

describe('undoImpact', () => {
  const report = (down: string, downChecksum?: string): TestReport =>
    ({
      engine: 'postgresql',
      startedAt: '2026-01-01T00:00:00Z',
      migrations: [{ name: '2_email', down, downChecksum, downDetails: [] }],
    }) as unknown as TestReport;

  it('names what a down drops and whether migrate-test verified this very down.sql', () => {
    const impact = undoImpact(parser, HISTORY[1], versions, report('verified', migrationChecksum(HISTORY[1].down!.sql)));
    expect(impact).toMatchObject({
      down: 'script',
      drops: [{ what: 'drops column User.email', table: 'User', column: 'email' }],
      verified: 'verified by migrate-test on postgresql (2026-01-01T00:00:00Z)',
    });
    expect(undoImpact(parser, HISTORY[1], versions, report('verified', 'another')).verified).toMatch(
      /^not verified: down\.sql changed since migrate-test ran/,
    );
    expect(undoImpact(parser, HISTORY[1], versions, report('failed')).verified).toBe('not verified: migrate-test said failed');
    expect(undoImpact(parser, HISTORY[1], versions, undefined).verified).toBe('not verified: no migrate-test report covers it');
    expect(undoImpact(parser, HISTORY[2], versions, undefined)).toMatchObject({ down: 'irreversible', reason: 'the emails are gone' });
    expect(undoImpact(parser, HISTORY[3], versions, undefined)).toMatchObject({ down: 'missing', reason: 'it has no down.sql' });
  });
});
