import { onExistingTable, type Rule } from '../rule';

export const indexNotConcurrent: Rule = {
  code: 'LK101',
  family: 'locking',
  severity: 'warning',
  title: 'Index built without CONCURRENTLY',
  doc: {
    problem: 'CREATE INDEX blocks every write to the table until the index is built: minutes on a large table.',
    solution:
      'Build it with CREATE INDEX CONCURRENTLY (the descriptor option "concurrently": true), which runs outside a transaction and does not block writes.',
  },
  check: (operation, context) =>
    operation.kind === 'create_index' && !operation.concurrent && onExistingTable(operation, context)
      ? `builds ${operation.unique ? 'unique index' : 'index'} ${operation.name ?? ''} on ${operation.table} while blocking writes`.replace(
          '  ',
          ' ',
        )
      : undefined,
};
