import { readFileSync } from 'node:fs';
import type { TestReport } from '../../core/test-report';

/** The migrate-test JSON report at `file`, when there is a readable one. */
export function readTestReport(file: string): TestReport | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestReport;
  } catch {
    return undefined;
  }
}
