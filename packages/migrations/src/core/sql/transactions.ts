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

/**
 * `BEGIN` / `START TRANSACTION` / `COMMIT` / `END` written into a script (Prisma's engine writes
 * them around enum changes). Sent inside the script's own transaction, a COMMIT would commit it
 * half-way and an error after a BEGIN would leave the session in an aborted block; the batch is
 * one transaction already, so they are blanked out.
 */
function isTransactionControl(statement: ParsedStatement): boolean {
  if (statementKind(statement) !== 'TransactionStmt') return false;
  const kind = statementBody<{ kind?: string }>(statement).kind;
  return kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START' || kind === 'TRANS_STMT_COMMIT';
}

/** The label of `ALTER TYPE ... ADD VALUE 'label'`, else undefined. */
function addedEnumValue(statement: ParsedStatement): string | undefined {
  if (statementKind(statement) !== 'AlterEnumStmt') return undefined;
  const body = statementBody<{ newVal?: string; oldVal?: string }>(statement);
  return body.oldVal ? undefined : body.newVal;
}

const MAY_NEED_BATCHES = /\b(concurrently|vacuum|database|tablespace|system|begin|start|commit|end|add\s+value)\b/i;

export interface ScriptBatch {
  /**
   * A slice of the script, verbatim but for blanked transaction control (spaces of the same
   * length), so that error positions map back to the script.
   */
  sql: string;
  /** Where the slice starts in the script (characters). */
  offset: number;
  /** False for a statement that must run outside any transaction block. */
  transactional: boolean;
}

/**
 * Split a script into the batches it must be sent in, each run as one transaction (or outside
 * any, for a statement that refuses a transaction block). A script with none of those stays
 * whole, exactly as written, and so does one that does not parse, so that PostgreSQL reports the
 * syntax error itself. A new enum value cannot be used in the transaction that added it: when a
 * later statement of the script names it, the batch ends after `ADD VALUE`, as it would commit
 * under `psql -f`.
 */
export function planScriptBatches(sql: string): ScriptBatch[] {
  // Parsing costs more than the round trip of a small migration: skip it when no keyword of a
  // statement that needs a batch of its own appears anywhere in the text.
  if (!MAY_NEED_BATCHES.test(sql)) return [{ sql, offset: 0, transactional: true }];
  let statements: ParsedStatement[];
  try {
    statements = parseScript(sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [{ sql, offset: 0, transactional: true }];
    throw error;
  }
  const script = blankTransactionControl(sql, statements);

  const batches: ScriptBatch[] = [];
  let pending: ParsedStatement[] = [];
  const slice = (group: ParsedStatement[], transactional: boolean): ScriptBatch => ({
    sql: script.slice(group[0].start, group[group.length - 1].end).trimEnd(),
    offset: group[0].start,
    transactional,
  });
  const flush = () => {
    if (pending.length) batches.push(slice(pending, true));
    pending = [];
  };
  // Set by an added enum value a later statement uses: the batch commits before that statement.
  let commitAfterAddedValues = false;
  for (const [index, statement] of statements.entries()) {
    const added = addedEnumValue(statement);
    if (commitAfterAddedValues && added === undefined) {
      flush();
      commitAfterAddedValues = false;
    }
    if (cannotRunInTransaction(statement)) {
      flush();
      batches.push(slice([statement], false));
      continue;
    }
    pending.push(statement);
    if (added !== undefined && usedLater(sql, statements, index, added)) commitAfterAddedValues = true;
  }
  flush();
  return batches.length > 1 || batches[0]?.transactional === false ? batches : [{ sql: script, offset: 0, transactional: true }];
}

/** Whether the script runs as one transaction: one batch, in a transaction block. */
export function runsInOneTransaction(sql: string): boolean {
  const batches = planScriptBatches(sql);
  return batches.length === 1 && batches[0].transactional;
}

function usedLater(sql: string, statements: ParsedStatement[], index: number, label: string): boolean {
  const literal = `'${label.replace(/'/g, "''")}'`;
  return statements.slice(index + 1).some((statement) => addedEnumValue(statement) === undefined && sql.slice(statement.start, statement.end).includes(literal));
}

/** The script with its transaction control replaced by spaces (newlines kept): offsets stay valid. */
function blankTransactionControl(sql: string, statements: ParsedStatement[]): string {
  let script = sql;
  for (const statement of statements.filter(isTransactionControl)) {
    // Through the statement's semicolon, when it has one.
    const end = script[statement.end] === ';' ? statement.end + 1 : statement.end;
    script = script.slice(0, statement.start) + script.slice(statement.start, end).replace(/[^\n]/g, ' ') + script.slice(end);
  }
  return script;
}
