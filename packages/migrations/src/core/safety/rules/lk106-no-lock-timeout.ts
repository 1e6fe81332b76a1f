import { locksExistingTable, type Rule } from '../rule';

export const noLockTimeout: Rule = {
  code: 'LK106',
  family: 'locking',
  severity: 'info',
  title: 'No lock_timeout before taking locks',
  oncePerMigration: true,
  doc: {
    problem:
      'A statement waiting for a lock (behind a long query) queues every other query on the table behind it: an outage without any work being done.',
    solution:
      "Start the migration with SET lock_timeout = '5s' (or similar), so that it fails fast and can be retried instead of blocking the application.",
  },
  check: (operation, context) =>
    !context.lockTimeoutSet && locksExistingTable(operation, context)
      ? `takes a lock on ${'table' in operation ? operation.table : `the table of index ${(operation as { name: string }).name}`} with no lock_timeout set`
      : undefined,
};
