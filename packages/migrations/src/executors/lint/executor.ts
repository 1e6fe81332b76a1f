import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import path from 'node:path';
import { describeError } from '../../core/errors';
import { lintSarif } from '../../core/lint/lint-sarif';
import { lintText } from '../../core/lint/lint-text';
import { RULES } from '../../core/safety/catalogue';
import { PLUGIN_VERSION } from '../../package-info';
import { lintVenture } from '../../use-cases/lint';
import { reportPath, writeReport } from '../shared/report-files';
import type { LintExecutorOptions } from './schema';

/** `migrate-lint`: the safety findings of a venture's migrations; fails on unapproved data loss. */
export default async function migrateLintExecutor(options: LintExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
  try {
    // What `nx affected` compares with (NX_BASE, set in CI), else the default branch.
    const base = options.base ?? (process.env['NX_BASE'] || undefined) ?? context.nxJsonConfiguration?.defaultBase ?? 'main';
    const report = await lintVenture({ project, workspaceRoot: context.root, projectRoot, onlyNew: options.onlyNew ?? false, base });
    const format = options.format ?? 'text';
    const text = lintText(report);
    const output =
      format === 'json'
        ? JSON.stringify(report, null, 2)
        : format === 'sarif'
          ? JSON.stringify(lintSarif(report, RULES, PLUGIN_VERSION), null, 2)
          : text.join('\n');
    if (options.outputFile) {
      const file = reportPath(context.root, options.outputFile, projectRoot, project);
      writeReport(file, `${output}\n`);
      text.forEach((line) => logger.info(line));
      logger.info(`migrate-lint ${project}: ${format} report written to ${path.relative(context.root, file)}`);
    } else if (format === 'text') {
      text.forEach((line) => logger.info(line));
    } else {
      process.stdout.write(`${output}\n`);
    }
    return { success: report.ok };
  } catch (error) {
    logger.error(`migrate-lint ${project}: ${describeError(error)}`);
    return { success: false };
  }
}
