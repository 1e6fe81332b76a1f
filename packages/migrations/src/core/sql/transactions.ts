import { parseScript, ParsedStatement, SqlSyntaxError, statementBody, statementKind } from './parser';

/**
 * PostgreSQL runs a multi-statement script sent as one simple query in one implicit transaction,
 * which is what we want for a migration: all of it or none of it. A few statements refuse to run
 * inside a transaction block (prisma/prisma#14456); those are sent on their own, and the rest of
 * the script is sent in the batches between them.
 */
export function cannotRunInTransaction(statement: ParsedStatement): boolean {
  const body = statementBody(statement);
  switch (statementKind(statement)) {
    case 'IndexStmt':
    case 'DropStmt':
      return body['concurrent'] === true;
    case 'ReindexStmt':
      return hasOption(body, 'concurrently');
    case 'VacuumStmt':
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return true;
    case 'AlterTableStmt':
      // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY
      return JSON.stringify(body).includes('"concurrent":true');
    default:
      return false;
  }
}

function hasOption(body: Record<string, unknown>, name: string): boolean {
  const params = (body['params'] as Array<{ DefElem?: { defname?: string } }> | undefined) ?? [];
  return params.some((param) => param.DefElem?.defname === name);
}

const MAY_REFUSE_TRANSACTION = /\b(concurrently|vacuum|database|tablespace|system)\b/i;

export interface ScriptBatch {
  /** A verbatim slice of the script, so that error positions map back to it. */
  sql: string;
  /** Where the slice starts in the script (characters). */
  offset: number;
  /** False for a statement that must run outside any transaction block. */
  transactional: boolean;
}

/**
 * Split a script into the batches it must be sent in. A script with no statement that refuses
 * a transaction block stays whole, exactly as written. A script that does not parse stays whole
 * too, so that PostgreSQL reports the syntax error itself.
 */
export function planScriptBatches(sql: string): ScriptBatch[] {
  // Parsing costs more than the round trip of a small migration: skip it when no keyword of a
  // statement that refuses a transaction block appears anywhere in the text.
  const whole = [{ sql, offset: 0, transactional: true }];
  if (!MAY_REFUSE_TRANSACTION.test(sql)) return whole;
  let statements: ParsedStatement[];
  try {
    statements = parseScript(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return whole;
    throw error;
  }
  if (!statements.some(cannotRunInTransaction)) return whole;

  const batches: ScriptBatch[] = [];
  let pending: ParsedStatement[] = [];
  const slice = (group: ParsedStatement[], transactional: boolean): ScriptBatch => ({
    sql: sql.slice(group[0].start, group[group.length - 1].end).trimEnd(),
    offset: group[0].start,
    transactional,
  });
  const flush = () => {
    if (pending.length) batches.push(slice(pending, true));
    pending = [];
  };
  for (const statement of statements) {
    if (cannotRunInTransaction(statement)) {
      flush();
      batches.push(slice([statement], false));
    } else {
      pending.push(statement);
    }
  }
  flush();
  return batches;
}
