import { onExistingTable, type Rule } from '../rule';

export const unconditionalDelete: Rule = {
  code: 'DS105',
  family: 'destructive',
  severity: 'error',
  title: 'TRUNCATE, or DELETE without WHERE',
  doc: {
    problem: 'TRUNCATE, and DELETE without a condition, remove every row of the table.',
    solution:
      'Give the DELETE the condition it means; if emptying the table is intended, copy the rows somewhere first and approve the data loss (--allowDataLoss).',
  },
  check: (operation, context) => {
    if (!onExistingTable(operation, context)) return undefined;
    if (operation.kind === 'truncate') return `truncates ${operation.table}`;
    if (operation.kind === 'delete' && !operation.hasWhere) return `deletes every row of ${operation.table}`;
    return undefined;
  },
};
