import path from 'node:path';
import { type LintReport, lintHistory } from '../core/lint/lint-report';
import { loadSqlParser } from '../core/sql/parser';
import { RULE_DOCS_DIR } from '../package-info';
import { migrationsOnRef } from '../adapters/store/git-refs';
import { loadVenture } from '../adapters/store/load-venture';

export interface LintVentureInput {
  project: string;
  workspaceRoot: string;
  /** The venture's folder, relative to the workspace. */
  projectRoot: string;
  /** Only the migrations that `base` does not have (a branch's new migrations), or the whole history. */
  onlyNew: boolean;
  base: string;
}

/** `migrate-lint`: the safety findings of a venture's migrations, files and rule docs named from the workspace. */
export async function lintVenture(input: LintVentureInput): Promise<LintReport> {
  const parser = await loadSqlParser();
  const { layout, history } = await loadVenture(path.resolve(input.workspaceRoot, input.projectRoot));
  const onBase = input.onlyNew ? migrationsOnRef(input.workspaceRoot, layout.migrationsDir, input.base) : new Set<string>();
  const workspacePath = (file: string) => path.relative(input.workspaceRoot, file).split(path.sep).join('/');
  return lintHistory({
    parser,
    project: input.project,
    migrations: history.migrations,
    include: (name) => !onBase.has(name),
    fileOf: (name) => workspacePath(path.join(layout.migrationsDir, name, 'migration.sql')),
    docOf: (code) => workspacePath(path.join(RULE_DOCS_DIR, `${code}.md`)),
    scope: input.onlyNew ? `not on ${input.base}` : 'all',
  });
}
