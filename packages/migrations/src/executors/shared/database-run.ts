import type { ExecutorContext } from '@nx/devkit';
import { logger } from '@nx/devkit';
import path from 'node:path';
import { type DeployReport, deployMarkdown, webhookPayload } from '../../core/deploy/report';
import { redact } from '../../core/redact';
import { describeError } from '../../core/errors';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import { DATABASE_DEFAULTS } from '../../defaults';
import { resolveDatabaseUrl } from '../../adapters/db/database-url';
import { defaultSnapshotCacheDir } from '../../adapters/db/pglite-snapshot';
import type { BackupRecord } from '../../adapters/db/backup';
import { openDeployTarget, type DeployTarget } from '../../adapters/db/deploy-target';
import type { RecordedEvent } from '../../use-cases/deploy';
import { postWebhook } from '../../adapters/http/webhook';
import { historyExtensions, loadVenture, type Venture } from '../../adapters/store/load-venture';
import { reportPath, writeReport } from './report-files';

/** The options every command on a venture's live database shares: deploy, rollback, status. */
export interface DatabaseOptions {
  urlEnv?: string;
  /** The schema the venture owns in a database it shares with other ventures (as Prisma's `?schema=`, which it overrides). */
  schema?: string;
  environment?: string;
  dataDir?: string;
  backupDir?: string;
  backupRetention?: number;
  lockTimeout?: number;
  pgBinDir?: string;
  webhookEnv?: string;
}

/**
 * One run of a command on a venture's database: the URL from the environment variable the options
 * name (never printed), or the embedded database; a log that redacts every secret; the project's
 * migrations; the database opened under the deploy lock.
 */
export class DatabaseRun {
  readonly project: string;
  readonly projectRoot: string;
  readonly environment: string;
  readonly urlEnv: string;
  readonly url: string | undefined;
  /** Where the run works, for messages: never the URL itself. */
  readonly where: string;
  readonly webhook: string | undefined;
  readonly secrets: string[];
  readonly logLines: string[] = [];
  readonly startedAt = new Date();

  constructor(
    readonly command: string,
    private readonly options: DatabaseOptions,
    readonly context: ExecutorContext,
  ) {
    this.project = context.projectName ?? '';
    this.projectRoot = context.projectsConfigurations?.projects[this.project]?.root ?? '.';
    const database = resolveDatabaseUrl(process.env, options.urlEnv ?? DATABASE_DEFAULTS.urlEnv, {
      schema: options.schema,
      project: this.project,
    });
    this.urlEnv = database.urlEnv;
    this.url = database.url;
    this.where = database.where;
    this.webhook = process.env[options.webhookEnv ?? DATABASE_DEFAULTS.webhookEnv] || undefined;
    this.secrets = [...database.secrets, ...(this.webhook ? [this.webhook] : [])];
    this.environment = options.environment ?? context.configurationName ?? 'default';
  }

  log = (line: string): void => {
    const safe = this.redact(line);
    this.logLines.push(`${new Date().toISOString()} ${safe}`);
    logger.info(safe);
  };

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** An option's path (with `{projectRoot}` and friends), absolute. */
  resolve(file: string): string {
    return reportPath(this.context.root, file, this.projectRoot, this.project);
  }

  /** The venture's layout, migrations, and schema as the engine reads it. */
  readProject(): Promise<Venture> {
    return loadVenture(path.resolve(this.context.root, this.projectRoot));
  }

  /**
   * The command's work on the venture, read with the SQL parser: its result; or, when it refused
   * (threw before changing anything, or said why it stopped), the refusal, logged.
   */
  async attempt<T>(work: (venture: Venture, parser: SqlParser) => Promise<T>): Promise<{ result?: T; refusal?: string }> {
    try {
      const parser = await loadSqlParser();
      return { result: await work(await this.readProject(), parser) };
    } catch (error) {
      const refusal = describeError(error);
      this.log(`${this.command} ${this.project}: ${refusal}`);
      return { refusal };
    }
  }

  /** What the deploy and rollback use cases take from the run: the venture, its database, the backups, the log. */
  useCaseInput(parser: SqlParser, venture: Venture, target: DeployTarget) {
    const { project, environment, log } = this;
    return { parser, project, workspaceRoot: this.context.root, environment, target, history: venture.history, ...this.backups, log };
  }

  /** Where backups go, absolute, and how many are kept. */
  get backups(): { backupDir: string; backupRetention: number } {
    return {
      backupDir: this.resolve(this.options.backupDir ?? DATABASE_DEFAULTS.backupDir),
      backupRetention: this.options.backupRetention ?? DATABASE_DEFAULTS.backupRetention,
    };
  }

  /** `work` on the venture's database, opened (under the deploy lock unless `lock: false`) and closed around it. */
  async withTarget<T>(
    parser: SqlParser,
    venture: Venture,
    work: (target: DeployTarget) => Promise<T>,
    how: { lock?: boolean } = {},
  ): Promise<T> {
    const target = await this.openTarget(parser, venture, how);
    try {
      return await work(target);
    } finally {
      await target.close();
    }
  }

  private openTarget(parser: SqlParser, venture: Venture, how: { lock?: boolean }): Promise<DeployTarget> {
    return openDeployTarget({
      ...how,
      url: this.url,
      urlEnv: this.urlEnv,
      dataDir: this.resolve(this.options.dataDir ?? DATABASE_DEFAULTS.dataDir),
      cacheDir: defaultSnapshotCacheDir(this.context.root),
      extensions: historyExtensions(parser, venture.history),
      pgBinDir: this.options.pgBinDir,
      lockTimeoutMs: (this.options.lockTimeout ?? DATABASE_DEFAULTS.lockTimeout) * 1000,
    });
  }

  /**
   * The report of a deploy or rollback that ran (`outcome`) or was refused before changing
   * anything (`refusal`), written with `writeReports`.
   */
  async finish(
    reportDir: string,
    outcome: RunOutcome | undefined,
    refusal: string | undefined,
    fields: Pick<DeployReport, 'command' | 'status'> & Partial<DeployReport>,
  ): Promise<DeployReport> {
    return this.writeReports(reportDir, {
      ok: outcome?.ok ?? false,
      runId: outcome?.runId ?? 'refused',
      project: this.project,
      environment: this.environment,
      database: outcome?.database ?? this.where,
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
      applied: [],
      rolledBack: outcome?.rolledBack ?? [],
      restored: outcome?.restored ?? false,
      backup: outcome?.backup && {
        file: path.relative(this.context.root, outcome.backup.file),
        sha256: outcome.backup.sha256,
        bytes: outcome.backup.bytes,
      },
      error: outcome?.error ?? refusal,
      warnings: [],
      events: (outcome?.events ?? []).map((event) => ({
        at: event.at,
        kind: event.kind,
        migrations: event.migrations,
        durationMs: event.durationMs,
        error: event.error,
      })),
      ...fields,
    });
  }

  /** The run's JSON and Markdown reports and log, in `reportDir`; the webhook when it failed or rolled back. */
  private async writeReports(reportDir: string, report: Omit<DeployReport, 'logFile'>): Promise<DeployReport> {
    const stamp = this.startedAt.toISOString().replace(/[-:.]/g, '');
    const id = report.runId === 'refused' ? `refused-${Date.now().toString(16)}` : report.runId.slice(0, 8);
    const files = path.join(this.resolve(reportDir), `${stamp}-${id}`);
    const full: DeployReport = { ...report, logFile: path.relative(this.context.root, `${files}.log`) };
    writeReport(`${files}.json`, this.redact(`${JSON.stringify(full, null, 2)}\n`));
    writeReport(`${files}.md`, this.redact(deployMarkdown(full)));
    writeReport(`${files}.log`, `${this.logLines.join('\n')}\n`);
    // A rollback refused before it began (no --yes, a wrong --to) is the operator's to fix, not an alert.
    const alert = !full.ok && (full.command === 'migrate-deploy' || full.status !== 'refused');
    if (alert && this.webhook) {
      const failure = await postWebhook(
        this.webhook,
        JSON.parse(this.redact(JSON.stringify(webhookPayload(full, this.logLines.slice(-20))))),
      );
      if (failure) logger.warn(`${this.command} ${this.project}: ${this.redact(failure)}`);
    }
    return full;
  }
}

/** What a deploy or rollback result gives its report. */
export interface RunOutcome {
  ok: boolean;
  runId: string;
  database: string;
  rolledBack: string[];
  restored: boolean;
  backup?: BackupRecord;
  error?: string;
  events: RecordedEvent[];
}
