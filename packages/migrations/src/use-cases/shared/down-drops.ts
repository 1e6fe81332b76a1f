import { randomUUID } from 'node:crypto';
import { readArchiveTargets } from '../../core/archive/archive-targets';
import type { SqlParser } from '../../core/sql/parser';
import type { SqlRunner } from '../../adapters/db/database';
import { type ArchivePolicy, captureBefore } from './archive-capture';

/**
 * Before a down runs: archive what it drops (values written while the migration was applied,
 * direction `down`), for the next apply of the migration to put back. A down that does not parse
 * is left to fail with PostgreSQL's message.
 */
export async function archiveDownDrops(
  parser: SqlParser,
  database: SqlRunner,
  migration: string,
  down: string,
  policy: ArchivePolicy,
  log?: (line: string) => void,
): Promise<void> {
  await captureBefore(database, readArchiveTargets(parser, down), { runId: randomUUID(), migration, direction: 'down' }, policy, log);
}
