import type { DatabaseOptions } from '../shared/database-run';

export interface StatusExecutorOptions extends Omit<DatabaseOptions, 'webhookEnv'> {
  json?: boolean;
  check?: boolean;
  versionFile?: string;
}
