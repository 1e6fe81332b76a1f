import type { SqlParser } from '../core/sql/parser';
import { statusRevision } from '../use-cases/status';
import { lookAtVenture, type VentureConfig } from './ventures';

/** A token that changes whenever the venture's migrations, their state, its deploy history or a running deploy does. */
export function ventureRevision(parser: SqlParser, workspaceRoot: string, config: VentureConfig, cacheDir: string): Promise<string> {
  return lookAtVenture(parser, workspaceRoot, config, { cacheDir, lockTimeoutMs: 500 }, async (source, target) =>
    JSON.stringify([await statusRevision(target), source.history.migrations.length]),
  );
}
