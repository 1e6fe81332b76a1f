import { onExistingTable, type Rule } from '../rule';

export const dropTable: Rule = {
  code: 'DS101',
  family: 'destructive',
  severity: 'error',
  title: 'Dropping a table deletes its rows',
  doc: {
    problem:
      'DROP TABLE removes the table and every row in it. Application versions still running against ' +
      'it fail, and the data is gone unless restored from a backup.',
    solution:
      'Stop writing to the table first and deploy code that no longer reads it; keep a backup (or ' +
      'copy the rows to an archive table); then drop it, approving the data loss explicitly ' +
      '(--allowDataLoss).',
  },
  check: (operation, context) =>
    operation.kind === 'drop_table' && onExistingTable(operation, context) ? `drops table ${operation.table} and its rows` : undefined,
};
