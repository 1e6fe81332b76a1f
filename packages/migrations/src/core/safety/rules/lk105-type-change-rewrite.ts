import { canonicalSqlType } from '../../sql/prisma-types';
import { onExistingTable, type Rule } from '../rule';

/** Changes PostgreSQL makes without rewriting the table: a wider varchar, varchar to text. */
function isBinaryCompatible(before: string | undefined, after: string): boolean {
  if (!before) return false;
  const length = (type: string) => /^VARCHAR\((\d+)\)$/.exec(type);
  const source = length(canonicalSqlType(before));
  if (source && after === 'TEXT') return true;
  const target = length(after);
  return Boolean(source && target && Number(target[1]) >= Number(source[1]));
}

export const typeChangeRewrite: Rule = {
  code: 'LK105',
  family: 'locking',
  severity: 'warning',
  title: 'A type change rewrites the table',
  doc: {
    problem: 'Most column type changes rewrite every row (and rebuild its indexes) under an exclusive lock that blocks reads and writes.',
    solution:
      'On a large table, use expand/contract: a new column, a batched copy, the swap. Widening a varchar or turning it into text needs no rewrite.',
  },
  check: (operation, context) =>
    operation.kind === 'alter_column_type' &&
    onExistingTable(operation, context) &&
    !isBinaryCompatible(context.columnType(operation.table, operation.column), operation.type)
      ? `rewrites ${operation.table} to change ${operation.column} to ${operation.type}`
      : undefined,
};
