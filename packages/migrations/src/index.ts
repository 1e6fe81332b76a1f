export { createNodes } from './plugins/plugin';
export type { MigrationsPluginOptions } from './plugins/project-targets';
export type { TestReport } from './core/test-report';
export type { DataMigration, DataStepContext } from './core/data-step-contract';
