/**
 * A deploy or rollback in a process of its own, for the tests that kill it or answer its prompt:
 * `node -r @swc-node/register executor-child.ts <deploy|rollback> <workspace> <options as JSON>`.
 * Its log lines go to stdout as they happen.
 */
import migrateDeployExecutor from '../executors/deploy/executor';
import migrateRollbackExecutor from '../executors/rollback/executor';
import { executorContext } from './executor-context';

const EXECUTORS = { deploy: migrateDeployExecutor, rollback: migrateRollbackExecutor };
const [name, workspace, options] = [process.argv[2] as keyof typeof EXECUTORS, process.argv[3], JSON.parse(process.argv[4] ?? '{}')];
EXECUTORS[name](options, executorContext(workspace, 'billing', 'apps/billing')).then(
  (result) => process.exit(result.success ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
