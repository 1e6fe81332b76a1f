/**
 * migrate-deploy in a process of its own, for the tests that kill it: `node -r @swc-node/register
 * deploy-child.ts <workspace> <options as JSON>`. Its log lines go to stdout as they happen.
 */
import migrateDeployExecutor from '../executors/deploy/executor';
import { executorContext } from './executor-context';

const [workspace, options] = [process.argv[2], JSON.parse(process.argv[3] ?? '{}')];
migrateDeployExecutor(options, executorContext(workspace, 'billing', 'apps/billing')).then(
  (result) => process.exit(result.success ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
