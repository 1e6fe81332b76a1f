import type { Located, Operation } from './operations';

export type Family = 'destructive' | 'backward-incompatible' | 'locking' | 'data-dependent';
export type Severity = 'error' | 'warning' | 'info';

/** What a rule knows besides the operation: the migration's other operations and what came before. */
export interface RuleContext {
  /** Every operation of the migration, in order. */
  operations: Located[];
  /** The position of the operation under check in `operations`. */
  index: number;
  /** Tables created earlier in the same migration: nothing on them can lock or lose anything. */
  createdTables: ReadonlySet<string>;
  /** Whether `lock_timeout` was set earlier in the migration. */
  lockTimeoutSet: boolean;
  /** The SQL type of a column before the migration, when known. */
  columnType(table: string, column: string): string | undefined;
  /** The values of an enum before the migration, when known. */
  enumValues(type: string): string[] | undefined;
}

export interface Rule {
  /** Stable: a family prefix and a number. Never reused for another rule. */
  code: string;
  family: Family;
  severity: Severity;
  title: string;
  doc: { problem: string; solution: string };
  /** Report at most once per migration (rules about the migration as a whole). */
  oncePerMigration?: boolean;
  /** A message when the rule applies to this operation; undefined when it does not. */
  check(operation: Operation, context: RuleContext): string | undefined;
}

/** Whether an operation touches a table that existed before the migration. */
export function onExistingTable(operation: Operation, context: RuleContext): operation is Operation & { table: string } {
  return 'table' in operation && !context.createdTables.has(operation.table);
}

/** An operation that takes a lock blocking reads or writes on an existing table for its duration. */
export function locksExistingTable(operation: Operation, context: RuleContext): boolean {
  if (operation.kind === 'drop_index') return !operation.concurrent && !createdEarlier(operation.name, context);
  if (!onExistingTable(operation, context)) return false;
  if (operation.kind === 'create_index') return !operation.concurrent;
  return [
    'drop_table',
    'add_column',
    'drop_column',
    'alter_column_type',
    'set_not_null',
    'add_constraint',
    'rename_table',
    'rename_column',
    'truncate',
    'create_trigger',
    'drop_trigger',
  ].includes(operation.kind);
}

/** Whether an index of that name was created earlier in the same migration. */
export function createdEarlier(index: string, context: RuleContext): boolean {
  return context.operations.slice(0, context.index).some(({ operation }) => operation.kind === 'create_index' && operation.name === index);
}
