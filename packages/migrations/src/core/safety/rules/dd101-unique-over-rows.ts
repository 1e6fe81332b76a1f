import { onExistingTable, type Rule } from '../rule';

export const uniqueOverRows: Rule = {
  code: 'DD101',
  family: 'data-dependent',
  severity: 'warning',
  title: 'UNIQUE over existing rows',
  doc: {
    problem:
      'A unique index or constraint on an existing table fails the migration if any duplicates exist, which depends on production data, not on the schema.',
    solution:
      'Check for duplicates first (SELECT ... GROUP BY ... HAVING count(*) > 1) and resolve them in ' +
      'a data migration; build the index CONCURRENTLY, then attach it with UNIQUE USING INDEX.',
  },
  check: (operation, context) => {
    if (!onExistingTable(operation, context)) return undefined;
    if (operation.kind === 'create_index' && operation.unique) return `requires the existing rows of ${operation.table} to be unique`;
    if (operation.kind === 'add_constraint' && operation.constraint === 'unique' && !operation.usingIndex)
      return `requires the existing rows of ${operation.table} to be unique`;
    return undefined;
  },
};
