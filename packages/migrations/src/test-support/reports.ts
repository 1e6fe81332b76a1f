import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationTestResult, TestReport } from '../core/test-report';

export function migrationResult(overrides: Partial<MigrationTestResult> = {}): MigrationTestResult {
  return {
    name: '20240101000000_init',
    applied: true,
    ms: 12,
    down: 'verified',
    downDetails: [],
    integrity: { tablesWithRows: [], rowsChecked: 0, unfilledTables: [], violations: [], lostValues: [], notCompared: [] },
    findings: [],
    dataDependent: [],
    ...overrides,
  };
}

export function testReport(overrides: Partial<TestReport> = {}): TestReport {
  return {
    ok: true,
    project: 'billing',
    engine: 'pglite',
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 1500,
    migrations: [migrationResult()],
    idempotent: true,
    drift: { clean: true, allowed: false, sql: '' },
    errors: [],
    warnings: [],
    phases: [
      { phase: 'read history', ms: 120 },
      { phase: 'prove migrations', ms: 1380 },
    ],
    ...overrides,
  };
}

/** The newest JSON report a command wrote into `dir` (their names sort by time). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, as JSON.parse gives it: the spec asserts its fields
export function newestReport(dir: string): any {
  const newest = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .pop();
  if (!newest) throw new Error(`no JSON report in ${dir}`);
  return JSON.parse(readFileSync(path.join(dir, newest), 'utf8'));
}
