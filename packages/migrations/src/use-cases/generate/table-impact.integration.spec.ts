import { analyzeMigration } from '../../core/safety/analyze';
import { describeImpact, impactOf } from '../../core/safety/impact';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import { openTestDatabase, testServerUrl } from '../../test-support/databases';
import { assessFindings } from './assess-findings';
import { measureImpact } from './table-impact';

describe('live impact of findings (PostgreSQL)', () => {
  let database: Database;
  let parser: SqlParser;
  beforeAll(async () => {
    parser = await loadSqlParser();
    database = await openTestDatabase('postgresql', { label: 'impact' });
    await database.executeScript(`
      CREATE TABLE "Big" (id int PRIMARY KEY, note text);
      INSERT INTO "Big" SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g;
      ANALYZE "Big";
      CREATE TABLE "Fresh" (id int);
      INSERT INTO "Fresh" SELECT generate_series(1, 42);`);
  });
  afterAll(() => database?.close());

  it('reads the planner estimate and the size on disk, and the tier they put the table in', async () => {
    const impacts = await measureImpact(database, ['Big', 'Fresh', 'Missing']);
    expect(impacts.get('Big')).toMatchObject({ tier: 'migration window', rows: 20000 });
    expect(impacts.get('Big')!.bytes).toBeGreaterThan(1_000_000);
    // Never analyzed: counted.
    expect(impacts.get('Fresh')).toMatchObject({ tier: 'direct', rows: 42 });
    expect(impacts.get('Missing')).toEqual({ tier: 'size unknown', note: 'the table does not exist in the configured database yet' });
  });

  it('puts every finding next to its table size, or says the size is unknown without a database', async () => {
    const findings = analyzeMigration({
      parser,
      migration: 'm',
      sql: 'ALTER TABLE "Big" DROP COLUMN "note"; CREATE INDEX "i" ON "Fresh"("id");',
    });
    const [drop, index] = await assessFindings(
      findings.filter((f) => f.code === 'DS102' || f.code === 'LK101'),
      { url: urlOf(database), source: 'DATABASE_URL' },
    );
    expect(describeImpact(drop.impact)).toMatch(/^~20,000 rows, \d+(\.\d)? MB: migration window$/);
    expect(index.impact.tier).toBe('direct');
    const unknown = await assessFindings(findings, { url: undefined, source: 'DATABASE_URL' });
    expect(unknown.every((f) => describeImpact(f.impact) === 'size unknown (DATABASE_URL is not set)')).toBe(true);
  });

  it('names the tiers by size', () => {
    expect([9_999, 10_000, 100_000, 1_000_000].map((rows) => impactOf(rows, 0).tier)).toEqual([
      'direct',
      'migration window',
      'maintenance window',
      'online migration',
    ]);
  });
});

/** The URL of the throwaway database: the server's URL with its name. */
function urlOf(database: Database): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${database.label.split('/').pop()}`;
  return url.toString();
}
