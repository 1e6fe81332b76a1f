import { onExistingTable, type Rule } from '../rule';

export const notNullOverRows: Rule = {
  code: 'DD102',
  family: 'data-dependent',
  severity: 'warning',
  title: 'NOT NULL over existing rows',
  doc: {
    problem:
      'SET NOT NULL fails if any row holds NULL; adding a NOT NULL column without a default fails on ' +
      'any non-empty table. Whether it works depends on the data.',
    solution:
      'Backfill the column first; or add a CHECK (column IS NOT NULL) NOT VALID, validate it, then ' +
      'SET NOT NULL (which then skips the scan); give new columns a default.',
  },
  check: (operation, context) => {
    if (!onExistingTable(operation, context)) return undefined;
    if (operation.kind === 'set_not_null') return `fails if any row of ${operation.table} has ${operation.column} NULL`;
    if (operation.kind === 'add_column' && operation.notNull && !operation.hasDefault)
      return `adds NOT NULL ${operation.table}.${operation.column} without a default: fails unless ${operation.table} is empty`;
    return undefined;
  },
};
