import type { SqlParser } from '../core/sql/parser';
import { statusRevision } from '../use-cases/status';
import { openVentureTarget, type VentureConfig, ventureSource } from './ventures';

/** A token that changes whenever the venture's migrations, their state, its deploy history or a running deploy does. */
export async function ventureRevision(parser: SqlParser, workspaceRoot: string, config: VentureConfig, cacheDir: string): Promise<string> {
  const source = await ventureSource(workspaceRoot, config);
  const target = await openVentureTarget(parser, config, source, cacheDir, { lock: false, lockTimeoutMs: 500 });
  try {
    return JSON.stringify([await statusRevision(target), source.history.migrations.length]);
  } finally {
    await target.close();
  }
}
