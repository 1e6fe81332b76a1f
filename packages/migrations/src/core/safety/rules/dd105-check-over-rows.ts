import { onExistingTable, type Rule } from '../rule';

export const checkOverRows: Rule = {
  code: 'DD105',
  family: 'data-dependent',
  severity: 'warning',
  title: 'CHECK over existing rows',
  doc: {
    problem:
      'A CHECK constraint added to an existing table fails the migration if any row violates it, which depends on production data, not on the schema.',
    solution:
      'Count the violating rows first (SELECT count(*) WHERE NOT (condition)) and fix them in a data ' +
      'migration; or add the constraint NOT VALID and VALIDATE CONSTRAINT once the data is clean.',
  },
  check: (operation, context) =>
    operation.kind === 'add_constraint' && operation.constraint === 'check' && !operation.notValid && onExistingTable(operation, context)
      ? `requires every existing row of ${operation.table} to satisfy the check${operation.name ? ` ${operation.name}` : ''}`
      : undefined,
};
