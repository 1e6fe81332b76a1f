import { onExistingTable, type Rule } from '../rule';

export const checkValidated: Rule = {
  code: 'LK104',
  family: 'locking',
  severity: 'warning',
  title: 'CHECK constraint added without NOT VALID',
  doc: {
    problem: 'Adding a CHECK constraint scans every row under an exclusive lock.',
    solution: 'Add it NOT VALID, then VALIDATE CONSTRAINT separately, which does not block writes.',
  },
  check: (operation, context) =>
    operation.kind === 'add_constraint' && operation.constraint === 'check' && !operation.notValid && onExistingTable(operation, context)
      ? `adds check constraint ${operation.name ?? ''} on ${operation.table}, scanning every row under lock`.replace('  ', ' ')
      : undefined,
};
