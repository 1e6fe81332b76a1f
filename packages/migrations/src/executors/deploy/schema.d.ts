import type { DatabaseOptions } from '../shared/database-run';

export interface DeployExecutorOptions extends DatabaseOptions {
  allowDrift?: boolean;
  healthCheck?: { command?: string; url?: string; timeout?: number };
  requireDeployedTo?: { environment: string; urlEnv: string };
  reportDir?: string;
  dryRun?: boolean;
  archiveRetentionDays?: number;
  archiveLimitMb?: number;
}
