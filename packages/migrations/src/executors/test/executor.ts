import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import path from 'node:path';
import { describeError } from '../../core/errors';
import { PhaseClock } from '../../core/phase-clock';
import { toJUnitXml } from '../../core/junit';
import { redact } from '../../core/redact';
import { setupFailureReport, type TestReport } from '../../core/test-report';
import { migrationLine, summaryLines } from '../../core/test-summary';
import { TEST_DEFAULTS } from '../../defaults';
import { testProject } from '../../use-cases/test';
import { reportPath, writeReport } from '../shared/report-files';
import type { TestExecutorOptions } from './schema';

export default async function migrateTestExecutor(options: TestExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  // From the start of the task's process: Node, Nx's task runner and the plugin's modules.
  const clock = new PhaseClock(undefined, 0);
  clock.lap('start-up');
  const project = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const urlEnv = options.urlEnv ?? TEST_DEFAULTS.urlEnv;
  const url = process.env[urlEnv] || undefined;
  const secrets = url ? [url] : [];
  const print = (text: string) => logger.info(redact(text, secrets));
  const resolve = (file: string) => reportPath(context.root, file, projectRoot, project);
  const writeReports = (report: TestReport) => {
    if (options.reportFile) writeReport(resolve(options.reportFile), redact(JSON.stringify(report, null, 2), secrets) + '\n');
    if (options.junitFile) writeReport(resolve(options.junitFile), redact(toJUnitXml(report), secrets));
  };
  try {
    const report = await testProject({
      project,
      projectRoot: path.resolve(context.root, projectRoot),
      workspaceRoot: context.root,
      url,
      urlSource: urlEnv,
      allowDrift: options.allowDrift ?? TEST_DEFAULTS.allowDrift,
      strictData: options.strictData ?? TEST_DEFAULTS.strictData,
      prefixCache: !(options.noPrefixCache ?? TEST_DEFAULTS.noPrefixCache),
      clock,
      onWarning: (warning) => logger.warn(redact(`warning: ${warning}`, secrets)),
      onDatabase: (label) => print(`migrate-test ${project}: throwaway database on ${label}`),
      onMigration: (result) => print(migrationLine(result)),
    });
    summaryLines(report).forEach(print);
    writeReports(report);
    return { success: report.ok };
  } catch (error) {
    const message = redact(describeError(error), secrets);
    logger.error(`migrate-test ${project}: ${message}`);
    writeReports(setupFailureReport(project, url ? 'postgresql' : 'pglite', message, options.allowDrift ?? TEST_DEFAULTS.allowDrift));
    return { success: false };
  }
}
