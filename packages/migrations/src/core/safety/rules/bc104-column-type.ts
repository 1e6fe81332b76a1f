import { onExistingTable, type Rule } from '../rule';

export const columnType: Rule = {
  code: 'BC104',
  family: 'backward-incompatible',
  severity: 'warning',
  title: "Changing a column's type",
  doc: {
    problem: 'Code written for the old type (and Prisma clients generated for it) reads or writes values of the wrong type.',
    solution: 'Regenerate the Prisma client and deploy code that handles both types during the transition, or go through expand/contract.',
  },
  check: (operation, context) =>
    operation.kind === 'alter_column_type' && onExistingTable(operation, context)
      ? `changes the type of ${operation.table}.${operation.column} to ${operation.type}`
      : undefined,
};
