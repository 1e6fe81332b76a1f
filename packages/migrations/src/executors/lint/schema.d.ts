export interface LintExecutorOptions {
  format?: 'text' | 'json' | 'sarif';
  outputFile?: string;
  onlyNew?: boolean;
  base?: string;
}
