import { onExistingTable, type Rule } from '../rule';

export const foreignKeyValidated: Rule = {
  code: 'LK103',
  family: 'locking',
  severity: 'warning',
  title: 'Foreign key added without NOT VALID',
  doc: {
    problem: 'Adding a foreign key checks every existing row while holding locks on both tables that block writes.',
    solution: 'Add it NOT VALID (only new rows are checked), then VALIDATE CONSTRAINT in a later statement, which takes a lighter lock.',
  },
  check: (operation, context) =>
    operation.kind === 'add_constraint' &&
    operation.constraint === 'foreign_key' &&
    !operation.notValid &&
    onExistingTable(operation, context)
      ? `adds foreign key ${operation.name ?? ''} on ${operation.table}, validating every row under lock`.replace('  ', ' ')
      : undefined,
};
