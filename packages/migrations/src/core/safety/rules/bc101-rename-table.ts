import { onExistingTable, type Rule } from '../rule';

export const renameTable: Rule = {
  code: 'BC101',
  family: 'backward-incompatible',
  severity: 'warning',
  title: 'Renaming a table',
  doc: {
    problem: 'Application versions still running (during a rolling deploy, or rolled back) query the old name and fail.',
    solution:
      'Keep the name in code with @@map while the rename ships, or add a view with the old name for ' +
      'the transition; deploy the code that uses the new name before removing the old one.',
  },
  check: (operation, context) =>
    operation.kind === 'rename_table' && onExistingTable(operation, context)
      ? `renames table ${operation.table} to ${operation.to}`
      : undefined,
};
