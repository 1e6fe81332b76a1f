import type { DeployReport } from '../core/deploy/report';
import type { StatusReport } from '../core/deploy/status-report';

/** What the dashboard shows of one venture: read from its files and its database, never its URL. */
export interface VentureView {
  project: string;
  root: string;
  /** Where its database is, as the options name it: "the database in DATABASE_URL" or "the embedded database". */
  where: string;
  /** Why the database could not be read, when it could not. */
  error?: string;
  status?: StatusReport;
  /** Served, the drift is filled in from here once measured (the engine applies the history for it). */
  driftUrl?: string;
  migrations: MigrationView[];
  /** The deploy history, newest first. */
  events: EventView[];
  lastReport?: DeployReport;
  /** The end of the last deploy's log, when it failed or rolled back. */
  lastLogTail?: string[];
}

export type Risk = 'data loss' | 'breaking' | 'locking' | 'data-dependent' | 'low';

export interface MigrationView {
  name: string;
  /** applied, pending, failed, rolled back; "unknown" when the database could not be read. */
  state: string;
  version: string;
  at?: string;
  /** How long its last apply took, from the deploy history. */
  durationMs?: number;
  risk: Risk;
  findings: string[];
  up: string;
  down?: string;
  downKind: 'script' | 'irreversible' | 'missing';
  downReason?: string;
}

export interface EventView {
  runId: string;
  at: string;
  kind: string;
  environment: string;
  migrations: string[];
  durationMs?: number;
  error?: string;
}

/** Before/after ER diagrams of one migration and the fields it added, removed or changed. */
export interface MigrationDiagrams {
  before: string;
  after: string;
  changes: Array<{ model: string; field: string; change: 'added' | 'removed' | 'changed' }>;
  error?: string;
}
