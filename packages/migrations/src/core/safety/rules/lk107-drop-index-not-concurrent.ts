import { createdEarlier, type Rule } from '../rule';

export const dropIndexNotConcurrent: Rule = {
  code: 'LK107',
  family: 'locking',
  severity: 'warning',
  title: 'Index dropped without CONCURRENTLY',
  doc: {
    problem:
      "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: every read and write waits for it, and it waits for every running query on the table.",
    solution:
      'Drop it with DROP INDEX CONCURRENTLY, which runs outside a transaction and waits for running queries without blocking new ones.',
  },
  check: (operation, context) =>
    operation.kind === 'drop_index' && !operation.concurrent && !createdEarlier(operation.name, context)
      ? `drops index ${operation.name} while blocking reads and writes on its table`
      : undefined,
};
