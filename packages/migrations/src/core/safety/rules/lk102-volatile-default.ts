import { onExistingTable, type Rule } from '../rule';

export const volatileDefault: Rule = {
  code: 'LK102',
  family: 'locking',
  severity: 'warning',
  title: 'A volatile default rewrites the table',
  doc: {
    problem:
      'Adding a column whose default differs row to row (gen_random_uuid(), random(), ' +
      'clock_timestamp(), a sequence) rewrites every row under an exclusive lock. Constant and ' +
      'now()-like defaults do not.',
    solution: 'Add the column without a default (or with a constant one), backfill it in batches, then set the default for new rows.',
  },
  check: (operation, context) =>
    operation.kind === 'add_column' && operation.volatileDefault && onExistingTable(operation, context)
      ? `adds ${operation.table}.${operation.column} with a volatile default, rewriting the table`
      : undefined,
};
