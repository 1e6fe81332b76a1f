import { logger } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { executorContext } from '../../test-support/executor-context';
import { historyWorkspace, type HistoryWorkspace, REAL_HISTORIES } from '../../test-support/real-histories';
import migrateLintExecutor from './executor';

/** migrate-lint on the public histories under fixtures/, committed to main, and a branch adding one migration. */
describe.each(REAL_HISTORIES)('migrate-lint on the %s history', (history) => {
  let workspace: HistoryWorkspace;
  let output: string[];
  const saved = { ...process.env };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: workspace.dir, encoding: 'utf8' });
  const run = (options: Record<string, unknown> = {}) =>
    migrateLintExecutor(options, executorContext(workspace.dir, workspace.project, workspace.projectRoot));

  beforeEach(() => {
    output = [];
    for (const level of ['info', 'warn', 'error'] as const)
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    delete process.env['NX_BASE'];
    workspace = historyWorkspace(history);
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'history');
    git('checkout', '-q', '-b', 'feature');
    const added = path.join(workspace.migrationsDir, '99990101000000_add_note');
    mkdirSync(added);
    writeFileSync(path.join(added, 'migration.sql'), 'CREATE TABLE "ForgeNote" ("id" SERIAL PRIMARY KEY, "text" TEXT NOT NULL);\n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    workspace.remove();
  });

  it('reports every finding of the whole history, with the unapproved drops that fail it', async () => {
    const result = await run({ format: 'json', outputFile: 'reports/lint.json' });
    const report = JSON.parse(readFileSync(path.join(workspace.dir, 'reports/lint.json'), 'utf8'));
    const folders = readdirSync(workspace.migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(report.migrations.map((migration: { name: string }) => migration.name)).toEqual(folders.sort());
    expect(report.counts.findings).toBeGreaterThan(0);
    expect(result).toEqual({ success: report.counts.blocking === 0 });
    expect(report.migrations.every((migration: { syntaxError?: unknown }) => migration.syntaxError === undefined)).toBe(true);
  });

  it('judges only what the branch adds with --onlyNew, against NX_BASE as nx affected does', async () => {
    process.env['NX_BASE'] = 'main';
    expect(await run({ onlyNew: true })).toEqual({ success: true });
    expect(output[0]).toMatch(new RegExp(`^migrate-lint ${workspace.project}: 1 migration analysed \\(not on main\\)`));
  });
});
