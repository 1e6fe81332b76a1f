import { loadSqlParser } from '../../core/sql/parser';
import { planScriptBatches } from '../../core/sql/transactions';

/** What PostgreSQL said about a failed script, kept so that the failing statement can be named. */
export interface ScriptFailure {
  script: string;
  /** The batch of the script that was being sent (the whole script unless it had to be split). */
  batch: string;
  /** Where the batch starts in the script (characters). */
  batchOffset: number;
  message: string;
  /** SQLSTATE, e.g. 42601 for a syntax error. */
  code?: string;
  /** 0-based character offset of the error in `batch`, when PostgreSQL reports one. */
  position?: number;
  detail?: string;
  hint?: string;
  /** The object PostgreSQL names in the error (constraint violations and the like), when it does. */
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  constructor(
    readonly failure: ScriptFailure,
    readonly original: unknown,
  ) {
    super(failure.message);
  }
}

/** The fields of an error from `pg` or PGlite; PostgreSQL's own names, the position as it sends it. */
type PostgresErrorFields = Partial<Omit<ScriptFailure, 'script' | 'batch' | 'batchOffset' | 'position'>> & { position?: string | number };

/**
 * Send a script in the batches it must be sent in (see planScriptBatches), each as one
 * simple-protocol query, so that `;` inside functions, `DO` blocks and string literals is never
 * mistaken for the end of a statement.
 */
export async function runScript(script: string, send: (sql: string) => Promise<unknown>): Promise<void> {
  const parser = await loadSqlParser();
  for (const batch of planScriptBatches(parser, script)) {
    try {
      await send(batch.sql);
    } catch (error) {
      const fields = error as PostgresErrorFields;
      const position = fields.position === undefined ? undefined : Number(fields.position) - 1;
      throw new ScriptError(
        {
          script,
          batch: batch.sql,
          batchOffset: batch.offset,
          message: fields.message ?? String(error),
          code: fields.code,
          position: Number.isFinite(position) ? position : undefined,
          detail: fields.detail || undefined,
          hint: fields.hint || undefined,
          schema: fields.schema || undefined,
          table: fields.table || undefined,
          column: fields.column || undefined,
          constraint: fields.constraint || undefined,
        },
        error,
      );
    }
  }
}

/** PostgreSQL's own words for a failure: the error, its detail and hint. */
export function postgresErrorText(failure: ScriptFailure): string {
  return [`ERROR: ${failure.message}`, failure.detail && `DETAIL: ${failure.detail}`, failure.hint && `HINT: ${failure.hint}`]
    .filter(Boolean)
    .join('\n');
}

/** A migration that could not be applied: its name, and PostgreSQL's error on its script. */
export class MigrationApplyError extends Error {
  override readonly name = 'MigrationApplyError';
  constructor(
    readonly migrationName: string | undefined,
    message: string,
    readonly failure: ScriptFailure | undefined,
  ) {
    super(message);
  }
}
