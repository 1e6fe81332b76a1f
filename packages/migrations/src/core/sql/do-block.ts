import { type SqlParser, SqlSyntaxError } from './parser';
import { readStatements, type Statement, type StatementOf } from './statements';
import { dollarQuoted } from './quote';

/**
 * What a `DO` block runs, read from its PL/pgSQL: the SQL statements it executes (in the order
 * written, whichever branch of an IF or iteration of a loop runs them), or why its effect cannot
 * be read from the text (dynamic EXECUTE, PERFORM or CALL of a function, another language).
 * Conditions, assignments and RAISE only read.
 */
export type DoBlockContents = { statements: Statement[] } | { opaque: string };

/** Statement kinds of PL/pgSQL that run code the text does not show. */
const OPAQUE_STATEMENTS: Record<string, string> = {
  PLpgSQL_stmt_dynexecute: 'runs dynamic SQL (EXECUTE)',
  PLpgSQL_stmt_dynfors: 'loops over dynamic SQL (FOR ... EXECUTE)',
  PLpgSQL_stmt_perform: 'calls a function (PERFORM)',
  PLpgSQL_stmt_call: 'calls a procedure (CALL)',
};

export function readDoBlock(parser: SqlParser, { language, code: body }: StatementOf<'do_block'>): DoBlockContents {
  if (language.toLowerCase() !== 'plpgsql') return { opaque: `runs code in ${language}` };
  let parsed: unknown;
  try {
    parsed = parser.parsePlpgsql(`CREATE FUNCTION forge_do_block() RETURNS void AS ${dollarQuoted(body)} LANGUAGE plpgsql`);
  } catch (error) {
    return { opaque: `its PL/pgSQL could not be read (${(error as Error).message})` };
  }
  const queries: string[] = [];
  const opaque = collect(parsed, queries);
  if (opaque) return { opaque };
  try {
    return { statements: queries.flatMap((query) => readStatements(parser, query)) };
  } catch (error) {
    if (error instanceof SqlSyntaxError) return { opaque: `a statement in it could not be read (${error.message})` };
    throw error;
  }
}

/** Walk the PL/pgSQL tree: the queries of its SQL statements into `queries`; the first opaque statement's reason. */
function collect(node: unknown, queries: string[]): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const reason = collect(item, queries);
      if (reason) return reason;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key in OPAQUE_STATEMENTS) return OPAQUE_STATEMENTS[key];
    if (key === 'PLpgSQL_stmt_execsql') {
      const query = (value as { sqlstmt?: { PLpgSQL_expr?: { query?: string } } }).sqlstmt?.PLpgSQL_expr?.query;
      if (query) queries.push(query);
      continue;
    }
    const reason = collect(value, queries);
    if (reason) return reason;
  }
  return undefined;
}
