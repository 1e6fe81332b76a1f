import { parseScript, SqlSyntaxError, statementBody, statementKind } from './parser';

/** The extensions a script creates (`CREATE EXTENSION [IF NOT EXISTS] name`). */
export function createdExtensions(sql: string): string[] {
  try {
    return parseScript(sql)
      .filter((statement) => statementKind(statement) === 'CreateExtensionStmt')
      .map((statement) => String(statementBody(statement)['extname']));
  } catch (error) {
    // A script that does not parse fails when it is applied, with PostgreSQL's own message.
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}
