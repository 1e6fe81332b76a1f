import { readTestReport } from '../../adapters/store/test-report-file';
import type { DeployTarget } from '../../adapters/db/deploy-target';
import type { RollbackInput } from '../rollback';

/** What a caller of the rollback names; the test report by its file. */
export type RollbackRequest = Omit<RollbackInput, 'target' | 'testReport'> & { testReportFile: string };

/** The rollback core's input for `target`, as the executor and the dashboard build it. */
export function rollbackInput(target: DeployTarget, request: RollbackRequest): RollbackInput {
  const { testReportFile, ...rest } = request;
  return { ...rest, target, testReport: readTestReport(testReportFile) };
}
