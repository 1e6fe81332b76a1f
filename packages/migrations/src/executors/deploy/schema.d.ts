export interface DeployExecutorOptions {
  urlEnv?: string;
  environment?: string;
  dataDir?: string;
  backupDir?: string;
  backupRetention?: number;
  lockTimeout?: number;
  allowDrift?: boolean;
  healthCheck?: { command?: string; url?: string; timeout?: number };
  requireDeployedTo?: { environment: string; urlEnv: string };
  reportDir?: string;
  webhookEnv?: string;
  pgBinDir?: string;
  dryRun?: boolean;
}
