import { randomUUID } from 'node:crypto';
import { describeError } from '../core/errors';
import { redact } from '../core/redact';
import type { SqlParser } from '../core/sql/parser';
import { latestBackups, rollback, type RollbackInput } from '../use-cases/rollback';
import { HttpError } from './http';
import { openVentureTarget, type VentureConfig, ventureSource } from './ventures';

export interface Job {
  lines: string[];
  done: boolean;
  ok?: boolean;
  error?: string;
}

export interface RollbackSettings {
  parser: SqlParser;
  workspaceRoot: string;
  cacheDir: string;
  backupRetention: number;
  lockTimeoutMs: number;
  secrets: string[];
  log: (line: string) => void;
}

/** The dashboard's rollbacks: planned without changing anything, or started as jobs it follows. */
export class RollbackJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();

  constructor(private readonly settings: RollbackSettings) {}

  /** What rolling back `migration` would do, and the latest backups; declined at the confirmation, so nothing changes. */
  async plan(config: VentureConfig, migration: string): Promise<{ impact: string[]; backups: string[] }> {
    let impact: string[] = [];
    const backups = await this.withRollbackTarget(config, migration, async (input) => {
      // The core plans and refuses exactly as it would, and changes nothing.
      const decline = async (lines: string[]) => {
        impact = lines;
        return false;
      };
      await rollback({ ...input, confirm: decline });
      return latestBackups(input, 3);
    });
    return { impact, backups };
  }

  /** Start the rollback: answered once it holds the lock and its plan stands (a deploy holding the lock refuses it here). */
  async start(config: VentureConfig, migration: string): Promise<string> {
    const { project } = config;
    if (this.running.has(project))
      throw new HttpError(409, `A rollback of ${project} is already running from this dashboard: nothing else was done.`);
    const id = randomUUID();
    const job: Job = { lines: [], done: false };
    this.running.add(project);
    try {
      const { done } = await this.startRollback(config, migration, job);
      void done.finally(() => this.running.delete(project));
    } catch (error) {
      this.running.delete(project);
      throw error;
    }
    this.jobs.set(id, job);
    return id;
  }

  job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new HttpError(404, `No rollback ${id} was started by this dashboard.`);
    return job;
  }

  /** Open the venture's database under the deploy lock, with what the rollback core needs, and close it after `work`. */
  private async withRollbackTarget<T>(
    config: VentureConfig,
    migration: string,
    work: (input: Omit<RollbackInput, 'confirm'>) => Promise<T>,
  ): Promise<T> {
    const { parser, workspaceRoot, cacheDir, lockTimeoutMs, backupRetention } = this.settings;
    const source = await ventureSource(workspaceRoot, config);
    if (!source.history.migrations.some((candidate) => candidate.name === migration)) {
      throw new HttpError(404, `${config.project} has no migration ${migration}: nothing was rolled back.`);
    }
    const target = await openVentureTarget(parser, config, source, cacheDir, { lock: true, lockTimeoutMs });
    try {
      return await work({
        parser,
        project: config.project,
        workspaceRoot,
        environment: config.environment,
        target,
        history: source.history,
        backupDir: config.backupDir,
        backupRetention,
        selector: { through: migration },
        testReportFile: config.testReport,
        log: () => undefined,
      });
    } finally {
      await target.close();
    }
  }

  /** Resolves once the rollback holds the lock and its plan stands (or throws: refused); `done` settles when it ends. */
  private async startRollback(config: VentureConfig, migration: string, job: Job): Promise<{ done: Promise<void> }> {
    const { secrets } = this.settings;
    let locked!: () => void;
    let refused!: (error: unknown) => void;
    const holding = new Promise<void>((resolve, reject) => ([locked, refused] = [resolve, reject]));
    const done = this.withRollbackTarget(config, migration, async (input) => {
      const log = (line: string) => {
        job.lines.push(redact(line, secrets));
        this.settings.log(`migrate-ui ${config.project}: ${redact(line, secrets)}`);
      };
      // The request is answered once the core holds the lock and accepted the plan: its refusals answer it instead.
      const confirm = async (impact: string[]) => {
        impact.forEach(log);
        locked();
        return true;
      };
      const result = await rollback({ ...input, log, confirm });
      Object.assign(job, { done: true, ok: result.ok, error: result.error && redact(result.error, secrets) });
    }).catch((error) => {
      refused(error);
      Object.assign(job, { done: true, ok: false, error: redact(describeError(error), secrets) });
    });
    await holding;
    return { done };
  }
}
