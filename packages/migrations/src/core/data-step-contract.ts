/**
 * A migration's data step (`data-migration.ts` in its folder): moves data the SQL cannot move in
 * one statement, in batches, after `migration.sql`. `migrate-test` and `migrate-deploy` run it.
 * It must be resumable: run again after a crash, it carries on where it stopped.
 */
export interface DataStepContext {
  /** One statement, parameters as $1, $2, ...; rows as objects. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  batchSize: number;
  log(message: string): void;
}

export interface DataMigration {
  description: string;
  batchSize?: number;
  /** Move the data. */
  up(context: DataStepContext): Promise<void>;
  /** Throw when the data is not where it must be. */
  validate(context: DataStepContext): Promise<void>;
  /** Undo `up`, when the migration's down.sql alone does not. */
  down?(context: DataStepContext): Promise<void>;
}

export const DATA_STEP_FILE = 'data-migration.ts';
