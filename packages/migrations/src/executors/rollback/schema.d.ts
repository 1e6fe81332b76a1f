import type { DatabaseOptions } from '../shared/database-run';

export interface RollbackExecutorOptions extends DatabaseOptions {
  steps?: number;
  to?: string;
  toVersion?: string;
  fromBackup?: string;
  yes?: boolean;
  testReport?: string;
  reportDir?: string;
}
