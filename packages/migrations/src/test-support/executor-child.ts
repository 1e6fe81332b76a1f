/**
 * An executor in a process of its own, for the tests that kill or interrupt it or answer its prompt:
 * `node -r @swc-node/register executor-child.ts <deploy|rollback|test> <workspace> <options as JSON>`.
 * Its log lines go to stdout as they happen. Only the executor named is loaded, as Nx would.
 */
import type { ExecutorContext } from '@nx/devkit';
import { executorContext } from './executor-context';

type Executor = (options: Record<string, unknown>, context: ExecutorContext) => Promise<{ success: boolean }>;
/* eslint-disable @typescript-eslint/no-require-imports */
const EXECUTORS: Record<string, () => Executor> = {
  deploy: () => require('../executors/deploy/executor').default,
  rollback: () => require('../executors/rollback/executor').default,
  test: () => require('../executors/test/executor').default,
};
const [name, workspace, options] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4] ?? '{}')];
Promise.resolve()
  .then(() => EXECUTORS[name]()(options, executorContext(workspace, 'billing', 'apps/billing')))
  .then(
    (result) => process.exit(result.success ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
