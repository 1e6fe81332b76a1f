export interface CiGeneratorSchema {
  provider?: 'github' | 'gitlab';
  mainBranch?: string;
  nodeVersion?: string;
  postgresVersion?: string;
  environments?: string[];
  webhookEnv?: string;
}
