import type { SqlParser } from '../core/sql/parser';
import { readAppliedState } from '../use-cases/deploy/applied-state';
import { latestEventId } from '../use-cases/deploy/event-store';
import { openVentureTarget, type VentureConfig, ventureSource } from './ventures';

/** A token that changes whenever the venture's migrations, their state, its deploy history or a running deploy does. */
export async function ventureRevision(parser: SqlParser, workspaceRoot: string, config: VentureConfig, cacheDir: string): Promise<string> {
  const source = await ventureSource(workspaceRoot, config);
  const target = await openVentureTarget(parser, config, source, cacheDir, { lock: false, lockTimeoutMs: 500 });
  try {
    const state = await readAppliedState(target.database);
    const applied = state.rows.map((row) => [row.migration_name, row.finished_at, row.rolled_back_at]);
    return JSON.stringify([applied, await latestEventId(target.database), await target.deployRunning(), source.history.migrations.length]);
  } finally {
    await target.close();
  }
}
