import { onExistingTable, type Rule } from '../rule';

export const foreignKeyOverRows: Rule = {
  code: 'DD104',
  family: 'data-dependent',
  severity: 'warning',
  title: 'Foreign key over existing rows',
  doc: {
    problem:
      'A foreign key added to an existing table fails the migration if any row holds a value the ' +
      'referenced table does not have, which depends on production data, not on the schema.',
    solution:
      'Find the orphans first (a LEFT JOIN on the referenced table WHERE its key IS NULL) and fix or ' +
      'delete them in a data migration; or add the key NOT VALID and VALIDATE CONSTRAINT once the ' +
      'data is clean.',
  },
  check: (operation, context) => {
    if (
      operation.kind !== 'add_constraint' ||
      operation.constraint !== 'foreign_key' ||
      operation.notValid ||
      !onExistingTable(operation, context)
    )
      return undefined;
    return (
      `requires every ${operation.columns.join(', ') || 'referencing'} value of ${operation.table} ` +
      `to exist in ${operation.references?.table ?? 'the referenced table'}`
    );
  },
};
