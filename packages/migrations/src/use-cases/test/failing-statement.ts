import { type ParsedStatement, type SqlParser, SqlSyntaxError } from '../../core/sql/parser';
import type { Database } from '../../adapters/db/database';
import type { ScriptFailure } from '../../adapters/db/script-runner';

/**
 * Name the statement of a failed script: the batch's only statement, or by the position
 * PostgreSQL reported when it has one (syntax and name-resolution errors), otherwise by replaying
 * growing prefixes of the batch inside a transaction that is always rolled back (errors found
 * while executing, such as a constraint violation). Only ever called on a throwaway database.
 */
export async function describeFailingStatement(
  parser: SqlParser,
  database: Database,
  migrationSql: string,
  failure: ScriptFailure,
): Promise<string | undefined> {
  return (await locateFailingStatement(parser, database, migrationSql, failure))?.description;
}

export interface FailingStatement {
  /** 1-based line of migration.sql where the statement starts. */
  line: number;
  /** `statement 3, line 15: ALTER TABLE ...` */
  description: string;
}

/** The failing statement of a script, as describeFailingStatement finds it, with its line. */
export async function locateFailingStatement(
  parser: SqlParser,
  database: Database,
  migrationSql: string,
  failure: ScriptFailure,
): Promise<FailingStatement | undefined> {
  let statements: readonly ParsedStatement[];
  try {
    statements = parser.parseScript(failure.batch);
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      const offset = failure.batchOffset + (error.offset ?? failure.position ?? 0);
      const line = lineAt(migrationSql, offset);
      return { line, description: `at line ${line}: ${excerpt(lineText(migrationSql, offset))}` };
    }
    throw error;
  }
  // A batch of one statement (one that runs outside a transaction, such as CREATE INDEX
  // CONCURRENTLY) failed in that statement; replaying it could find what its failure left behind.
  const failing =
    statements.length === 1
      ? statements[0]
      : failure.position !== undefined
        ? statements.find((statement) => failure.position! >= statement.start && failure.position! < statement.end)
        : await replayToFailure(database, statements);
  if (!failing) return undefined;
  const line = lineAt(migrationSql, failure.batchOffset + failing.start);
  return { line, description: `statement ${statements.indexOf(failing) + 1}, line ${line}: ${excerpt(failing.text)}` };
}

const SENTINEL_MESSAGE = 'forge-migrations: replay sentinel';
const REPLAY_SENTINEL = `DO $$ BEGIN RAISE EXCEPTION '${SENTINEL_MESSAGE}'; END $$;`;

async function replayToFailure(database: Database, statements: readonly ParsedStatement[]): Promise<ParsedStatement | undefined> {
  // The sentinel fails every replay, so that the implicit transaction of the script always rolls
  // back; a replay "fails" when an earlier statement raised something else.
  const fails = async (count: number) => {
    const prefix = statements
      .slice(0, count)
      .map((statement) => statement.text)
      .join(';\n');
    try {
      await database.executeScript(`${prefix};\n${REPLAY_SENTINEL}`);
    } catch (error) {
      return !String((error as Error).message).includes(SENTINEL_MESSAGE);
    }
    return false;
  };
  let low = 1;
  let high = statements.length;
  if (high === 0 || !(await fails(high))) return undefined;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await fails(middle)) high = middle;
    else low = middle + 1;
  }
  return statements[low - 1];
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function lineText(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end < 0 ? undefined : end);
}

function excerpt(sql: string): string {
  const compact = sql.trim().replace(/\s+/g, ' ');
  return compact.length > 200 ? `${compact.slice(0, 197)}...` : compact;
}
