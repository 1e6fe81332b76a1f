export interface TestExecutorOptions {
  urlEnv?: string;
  allowDrift?: boolean;
  strictData?: boolean;
  reportFile?: string;
  junitFile?: string;
}
