import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES_DIR, REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { serverRows } from '../../test-support/server-queries';

const CHILD = path.join(__dirname, '../../test-support/executor-child.ts');
const SERVER = process.env['TEST_DATABASE_URL']!;

/** Ctrl-C during migrate-test: the run ends at once, and a server's throwaway database goes with it. */
describe('migrate-test interrupted by SIGINT', () => {
  let workspace: TemporaryProject;
  beforeEach(() => {
    workspace = temporaryDir('forge-signal-');
    cpSync(path.join(EXAMPLES_DIR, 'billing'), path.join(workspace.dir, 'apps/billing'), { recursive: true });
    const slow = path.join(workspace.dir, 'apps/billing/prisma/migrations/20990101000000_slow');
    mkdirSync(slow);
    writeFileSync(path.join(slow, 'migration.sql'), 'SELECT pg_sleep(60);\n');
  });
  afterEach(() => workspace.remove());

  const throwaways = async () =>
    (await serverRows<{ datname: string }>(SERVER, "SELECT datname FROM pg_database WHERE datname LIKE 'forge_billing_%'")).map(
      (row) => row.datname,
    );

  /** The run in a child process, interrupted once it is inside the slow migration; how long it took to end after the signal. */
  function interrupted(url: string | undefined): Promise<{ ended: string; afterSignalMs: number; output: string }> {
    return new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
      if (url) env['TEST_DATABASE_URL'] = url;
      else delete env['TEST_DATABASE_URL'];
      const child = spawn(process.execPath, ['-r', '@swc-node/register', CHILD, 'test', workspace.dir, '{}'], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let sentAt = 0;
      child.stdout.on('data', (chunk) => {
        output += chunk;
        // The migration before the slow one is through: the slow one is running.
        if (!sentAt && /20240415090000_invoice_audit_trigger/.test(output)) {
          sentAt = Date.now();
          setTimeout(() => child.kill('SIGINT'), 1000);
        }
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ ended: signal ?? `exit ${code}`, afterSignalMs: Date.now() - sentAt - 1000, output }));
    });
  }

  it('on the embedded database: ends at once, even inside a long statement', async () => {
    const { ended, afterSignalMs, output } = await interrupted(undefined);
    expect({ ended, output: output.slice(-500) }).toMatchObject({ ended: 'SIGINT' });
    expect(afterSignalMs).toBeLessThan(5000);
  }, 60_000);

  it('on PostgreSQL: ends at once and drops its throwaway database, though a statement still runs in it', async () => {
    const before = await throwaways();
    const { ended, afterSignalMs, output } = await interrupted(SERVER);
    // Killed by the signal raised again once the database is dropped, or failed by the statement it cut short: not passed.
    expect({ ended, output: output.slice(-500) }).toMatchObject({ ended: expect.stringMatching(/^(SIGINT|exit [12])$/) });
    expect(afterSignalMs).toBeLessThan(5000);
    expect(await throwaways()).toEqual(before);
  }, 60_000);
});
