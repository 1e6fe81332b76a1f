import { type SqlParser, SqlSyntaxError } from './parser';
import { readStatements, type Statement } from './statements';

/**
 * PostgreSQL runs a multi-statement script sent as one simple query in one implicit transaction,
 * which is what we want for a migration: all of it or none of it. A few statements refuse to run
 * inside a transaction block (prisma/prisma#14456); those are sent on their own, and the rest of
 * the script is sent in the batches between them.
 */
export function cannotRunInTransaction(statement: Statement): boolean {
  switch (statement.kind) {
    case 'create_index':
    case 'drop':
    case 'reindex':
      return statement.concurrent;
    case 'alter_table':
      // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY
      return statement.concurrent;
    case 'other':
      return OUTSIDE_TRANSACTIONS.has(statement.node);
    default:
      return false;
  }
}

const OUTSIDE_TRANSACTIONS = new Set([
  'VacuumStmt',
  'CreatedbStmt',
  'DropdbStmt',
  'AlterSystemStmt',
  'CreateTableSpaceStmt',
  'DropTableSpaceStmt',
]);

/**
 * `BEGIN` / `START TRANSACTION` / `COMMIT` / `END` written into a script (Prisma's engine writes
 * them around enum changes). Sent inside the script's own transaction, a COMMIT would commit it
 * half-way and an error after a BEGIN would leave the session in an aborted block; the batch is
 * one transaction already, so they are blanked out.
 */
function isTransactionControl(statement: Statement): boolean {
  return statement.kind === 'transaction' && ['BEGIN', 'START', 'COMMIT'].includes(statement.action);
}

/** The label of `ALTER TYPE ... ADD VALUE 'label'`, else undefined. */
function addedEnumValue(statement: Statement): string | undefined {
  return statement.kind === 'add_enum_value' ? statement.value : undefined;
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
export function planScriptBatches(parser: SqlParser, sql: string): ScriptBatch[] {
  // Parsing costs more than the round trip of a small migration: skip it when no keyword of a
  // statement that needs a batch of its own appears anywhere in the text.
  if (!MAY_NEED_BATCHES.test(sql)) return [{ sql, offset: 0, transactional: true }];
  let statements: Statement[];
  try {
    statements = readStatements(parser, sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [{ sql, offset: 0, transactional: true }];
    throw error;
  }
  const script = blankTransactionControl(sql, statements);

  const batches: ScriptBatch[] = [];
  let pending: Statement[] = [];
  const slice = (group: Statement[], transactional: boolean): ScriptBatch => ({
    sql: script.slice(group[0].source.start, group[group.length - 1].source.end).trimEnd(),
    offset: group[0].source.start,
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
export function runsInOneTransaction(parser: SqlParser, sql: string): boolean {
  const batches = planScriptBatches(parser, sql);
  return batches.length === 1 && batches[0].transactional;
}

function usedLater(sql: string, statements: Statement[], index: number, label: string): boolean {
  const literal = `'${label.replace(/'/g, "''")}'`;
  return statements
    .slice(index + 1)
    .some(({ kind, source }) => kind !== 'add_enum_value' && sql.slice(source.start, source.end).includes(literal));
}

/** The script with its transaction control replaced by spaces (newlines kept): offsets stay valid. */
function blankTransactionControl(sql: string, statements: Statement[]): string {
  let script = sql;
  for (const { source: statement } of statements.filter(isTransactionControl)) {
    // Through the statement's semicolon, when it has one.
    const end = script[statement.end] === ';' ? statement.end + 1 : statement.end;
    script = script.slice(0, statement.start) + script.slice(statement.start, end).replace(/[^\n]/g, ' ') + script.slice(end);
  }
  return script;
}
