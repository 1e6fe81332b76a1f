import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { DeployEvent, EventKind } from '../../core/deploy/events';
import type { Database } from '../../adapters/db/database';
import { createEventsTable, eventInScript, recordEvent } from './event-store';

export interface RecordedEvent extends DeployEvent {
  at: string;
}

type EventFields = Partial<Pick<DeployEvent, 'migrations' | 'durationMs' | 'error' | 'details'>>;

/**
 * The deploy history of one run: every event goes to the database as it happens (in a transaction
 * of its own, or in that of the work it records), so a crash keeps what came before; and to the
 * run's log.
 */
export class EventLog {
  readonly events: RecordedEvent[] = [];

  private constructor(
    private readonly database: () => Database,
    private readonly base: Pick<DeployEvent, 'runId' | 'environment' | 'gitCommit' | 'host'>,
    readonly log: (line: string) => void,
  ) {}

  static async open(
    database: () => Database,
    base: { runId: string; environment: string; workspaceRoot: string },
    log: (line: string) => void,
  ): Promise<EventLog> {
    await createEventsTable(database());
    return new EventLog(
      database,
      { runId: base.runId, environment: base.environment, gitCommit: gitCommit(base.workspaceRoot), host: os.hostname() },
      log,
    );
  }

  async record(kind: EventKind, fields: EventFields = {}): Promise<void> {
    await this.write(this.remember(kind, fields));
  }

  /**
   * An event that a script commits with the work it records: `sql` goes into the script, and
   * `written` records it here once the script committed, with the time it took as seen from here
   * (the database's row has the server's).
   */
  inScript(kind: EventKind, fields: Omit<EventFields, 'durationMs'>): { sql: string; written: (durationMs: number) => void } {
    return {
      sql: eventInScript({ ...this.base, kind, migrations: [], ...fields }),
      written: (durationMs) => void this.remember(kind, { ...fields, durationMs }),
    };
  }

  get runId(): string {
    return this.base.runId;
  }

  /** The last word of an earlier run this one took over (it was interrupted), under that run's id. */
  async closeEarlierRun(runId: string, kind: 'rollback_finished' | 'superseded'): Promise<void> {
    await this.write({ ...this.base, runId, kind, migrations: [], details: { by: this.base.runId } });
  }

  /** Write this run's events from `since` on again, into a database restored from a copy taken before them (the embedded one). */
  async replay(since: number): Promise<void> {
    await createEventsTable(this.database());
    for (const event of this.events.slice(since)) await this.write(event);
  }

  private remember(kind: EventKind, fields: EventFields): RecordedEvent {
    const event: RecordedEvent = { ...this.base, kind, migrations: [], ...fields, at: new Date().toISOString() };
    this.events.push(event);
    this.log(`event ${kind}${event.migrations.length ? ` ${event.migrations.join(', ')}` : ''}${event.error ? `: ${event.error}` : ''}`);
    return event;
  }

  private async write(event: DeployEvent): Promise<void> {
    await recordEvent(this.database(), event);
  }
}

/** The commit being deployed: from the CI's variables, else git, else unknown. */
function gitCommit(workspaceRoot: string): string | undefined {
  const fromCi = process.env['GITHUB_SHA'] ?? process.env['CI_COMMIT_SHA'] ?? process.env['GIT_COMMIT'];
  if (fromCi) return fromCi;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
