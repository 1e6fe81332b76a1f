/**
 * The deploy history: one row per step of every deploy, rollback and restore, written as it
 * happens (in a transaction of its own, or in that of the migration it records), in the plugin's
 * schema so that a restore never rewinds it.
 * Ventures that share a database share the table: each row carries the schema of the venture
 * that wrote it (`scope`, '' for a venture owning the whole database); use-cases/deploy/event-store.ts
 * reads and writes it.
 */
export type EventKind =
  | 'deploy_started'
  | 'backup_taken'
  | 'archived'
  | 'migration_applied'
  | 'data_step_finished'
  | 'verified'
  | 'deploy_finished'
  | 'deploy_failed'
  | 'rollback_started'
  | 'migration_rolled_back'
  | 'restored'
  | 'rollback_finished'
  | 'rollback_failed'
  | 'recovered'
  /** An interrupted run's last word, written by the run that took over from it. */
  | 'superseded';

export interface DeployEvent {
  /** One run of deploy or rollback: every event of it carries the same id. */
  runId: string;
  kind: EventKind;
  environment: string;
  migrations: string[];
  gitCommit?: string;
  host: string;
  durationMs?: number;
  error?: string;
  details?: Record<string, unknown>;
}

/** An event as the history's readers see it. */
export interface EventRow {
  run_id: string;
  at: string;
  kind: EventKind;
  environment: string;
  migrations: string[];
  duration_ms: number | null;
  error: string | null;
  details: Record<string, unknown> | null;
}
