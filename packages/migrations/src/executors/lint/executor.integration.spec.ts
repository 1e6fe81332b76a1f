import { logger } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { executorContext } from '../../test-support/executor-context';
import { temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import migrateLintExecutor from './executor';

const MIGRATIONS = 'apps/shop/prisma/migrations';

/** migrate-lint on a git workspace: all migrations, or only those the default branch lacks. */
describe('migrate-lint executor', () => {
  let workspace: TemporaryProject;
  let output: string[];
  let stdout: string[];
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace.dir, encoding: 'utf8' });
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(workspace.dir, file)), { recursive: true });
    writeFileSync(path.join(workspace.dir, file), content);
  };
  const run = (options: Record<string, unknown> = {}) => migrateLintExecutor(options, executorContext(workspace.dir, 'shop', 'apps/shop'));

  beforeEach(() => {
    workspace = temporaryDir('forge-lint-');
    output = [];
    stdout = [];
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(String(args[0])));
    }
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
    write('apps/shop/prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    write(`${MIGRATIONS}/1_init/migration.sql`, 'CREATE TABLE "Order" ("id" INTEGER PRIMARY KEY, "note" TEXT);\n');
    write(`${MIGRATIONS}/2_drop_note/migration.sql`, 'ALTER TABLE "Order" DROP COLUMN "note";\n');
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'history');
    git('checkout', '-q', '-b', 'feature');
    write(`${MIGRATIONS}/3_index/migration.sql`, 'CREATE INDEX "Order_id_idx" ON "Order"("id");\n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    workspace.remove();
  });

  it('fails on the unapproved drop of the whole history, and names it', async () => {
    expect(await run()).toEqual({ success: false });
    expect(output[0]).toBe('migrate-lint shop: 3 migrations analysed (all), 4 findings: 1 blocking, 0 waived, 0 approved');
    expect(output).toContain(
      'apps/shop/prisma/migrations/2_drop_note/migration.sql:1 DS102 [BLOCKING] drops column Order.note and its values',
    );
  });

  it('lints only the migrations main does not have with --onlyNew, and writes SARIF', async () => {
    expect(await run({ onlyNew: true, format: 'sarif', outputFile: 'reports/{projectRoot}/lint.sarif' })).toEqual({ success: true });
    const sarif = JSON.parse(readFileSync(path.join(workspace.dir, 'reports/apps/shop/lint.sarif'), 'utf8'));
    expect(
      sarif.runs[0].results.map(
        (result: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => [
          result.ruleId,
          result.locations[0].physicalLocation.artifactLocation.uri,
        ],
      ),
    ).toEqual([
      ['LK101', 'apps/shop/prisma/migrations/3_index/migration.sql'],
      ['LK106', 'apps/shop/prisma/migrations/3_index/migration.sql'],
    ]);
    expect(output[0]).toBe('migrate-lint shop: 1 migration analysed (not on main), 2 findings: 0 blocking, 0 waived, 0 approved');
    expect(output[output.length - 1]).toBe('migrate-lint shop: sarif report written to reports/apps/shop/lint.sarif');
  });

  it('prints JSON to stdout', async () => {
    expect(await run({ format: 'json', onlyNew: true })).toEqual({ success: true });
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      project: 'shop',
      scope: 'not on main',
      ok: true,
      migrations: [{ name: '3_index' }],
    });
  });

  it('names a base that does not exist, and fails', async () => {
    expect(await run({ onlyNew: true, base: 'origin/trunk' })).toEqual({ success: false });
    expect(output.join('\n')).toMatch(/The base "origin\/trunk" is not a commit of this repository.\n {2}hint: Fetch it/);
  });
});
