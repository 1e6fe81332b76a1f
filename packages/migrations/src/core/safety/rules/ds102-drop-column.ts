import { onExistingTable, type Rule } from '../rule';

export const dropColumn: Rule = {
  code: 'DS102',
  family: 'destructive',
  severity: 'error',
  title: 'Dropping a column deletes its values',
  doc: {
    problem:
      "DROP COLUMN deletes the column's values for every row. Code still selecting the column fails; Prisma clients generated before the change break on it.",
    solution:
      'Deploy code that no longer uses the column first; back up or copy the values if they may be ' +
      'needed; then drop it, approving the data loss (--allowDataLoss).',
  },
  check: (operation, context) =>
    operation.kind === 'drop_column' && onExistingTable(operation, context)
      ? `drops column ${operation.table}.${operation.column} and its values`
      : undefined,
};
