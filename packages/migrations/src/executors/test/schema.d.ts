export interface TestExecutorOptions {
  urlEnv?: string;
  allowDrift?: boolean;
  strictData?: boolean;
  noPrefixCache?: boolean;
  reportFile?: string;
  junitFile?: string;
}
