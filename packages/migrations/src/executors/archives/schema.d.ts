import type { DatabaseOptions } from '../shared/database-run';

export interface ArchivesExecutorOptions extends Omit<DatabaseOptions, 'webhookEnv' | 'backupDir' | 'backupRetention'> {
  purge?: boolean;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
}
