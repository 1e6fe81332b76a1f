export interface DownScriptsGeneratorSchema {
  project: string;
}
