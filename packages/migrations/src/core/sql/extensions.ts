import { type SqlParser, SqlSyntaxError } from './parser';
import { readStatements } from './statements';

/** The extensions a script creates (`CREATE EXTENSION [IF NOT EXISTS] name`). */
export function createdExtensions(parser: SqlParser, sql: string): string[] {
  // A keyword cannot be quoted or split: a script without the word creates none, and is not parsed.
  if (!/extension/i.test(sql)) return [];
  try {
    return readStatements(parser, sql).flatMap((statement) => (statement.kind === 'create_extension' ? [statement.name] : []));
  } catch (error) {
    // A script that does not parse fails when it is applied, with PostgreSQL's own message.
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}
