import { onExistingTable, type Rule } from '../rule';

export const renameColumn: Rule = {
  code: 'BC102',
  family: 'backward-incompatible',
  severity: 'warning',
  title: 'Renaming a column',
  doc: {
    problem: 'Code still running against the old column name fails as soon as the migration commits.',
    solution:
      'Keep the field name in code with @map ("keepModelName": true) while the rename ships, or add ' +
      'the new column, write both, backfill, switch reads, then drop the old one.',
  },
  check: (operation, context) =>
    operation.kind === 'rename_column' && onExistingTable(operation, context)
      ? `renames column ${operation.table}.${operation.column} to ${operation.to}`
      : undefined,
};
