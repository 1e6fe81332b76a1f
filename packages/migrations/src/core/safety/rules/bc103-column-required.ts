import { onExistingTable, type Rule } from '../rule';

export const columnRequired: Rule = {
  code: 'BC103',
  family: 'backward-incompatible',
  severity: 'warning',
  title: 'Making a column required',
  doc: {
    problem: 'Code that inserts rows without the column, or writes NULL to it, starts failing once it is NOT NULL.',
    solution: 'Give the column a default, or deploy code that always writes it before making it required.',
  },
  check: (operation, context) =>
    operation.kind === 'set_not_null' && onExistingTable(operation, context)
      ? `makes ${operation.table}.${operation.column} NOT NULL`
      : undefined,
};
