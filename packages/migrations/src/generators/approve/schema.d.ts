export interface ApproveGeneratorSchema {
  project: string;
  migration?: string;
}
