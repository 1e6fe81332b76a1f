import type { DatabaseOptions } from '../shared/database-run';

export interface RollbackExecutorOptions extends DatabaseOptions {
  steps?: number;
  to?: string;
  toVersion?: string;
  fromBackup?: string;
  yes?: boolean;
  backupDir?: string;
  backupRetention?: number;
  testReport?: string;
  reportDir?: string;
}
