export interface MigrationGeneratorSchema {
  project: string;
  changeType?: string;
  targetTable?: string;
  changes?: string | Record<string, unknown>;
  descriptor?: string;
  migrationName?: string;
  allowDataLoss?: boolean;
  urlEnv?: string;
  testUrlEnv?: string;
  skipFormat?: boolean;
}
