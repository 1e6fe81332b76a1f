import { readTestReport } from '../../adapters/store/test-report-file';
import type { DeployTarget } from '../../adapters/db/deploy-target';
import type { RollbackInput } from '../rollback';

/** What a caller of the rollback names; the test report by its file. Each caller asks for the confirmation its own way. */
export type RollbackRequest = Omit<RollbackInput, 'target' | 'testReport' | 'confirm'> & { testReportFile: string };

/** The rollback core's input for `target` but the confirmation, as the executor and the dashboard build it. */
export function rollbackInput(target: DeployTarget, request: RollbackRequest): Omit<RollbackInput, 'confirm'> {
  const { testReportFile, ...rest } = request;
  return { ...rest, target, testReport: readTestReport(testReportFile) };
}
