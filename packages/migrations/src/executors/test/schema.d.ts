export interface TestExecutorOptions {
  urlEnv?: string;
  allowDrift?: boolean;
  reportFile?: string;
  junitFile?: string;
}
