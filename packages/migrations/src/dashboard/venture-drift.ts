import type { StatusReport } from '../core/deploy/status-report';
import type { SqlParser } from '../core/sql/parser';
import { readDrift } from '../use-cases/status';
import { openVentureTarget, type VentureConfig, ventureSource } from './ventures';

/** The venture's drift, which a served venture page fills in once measured. */
export async function ventureDrift(
  parser: SqlParser,
  workspaceRoot: string,
  config: VentureConfig,
  cacheDir: string,
  lockTimeoutMs: number,
): Promise<StatusReport['drift']> {
  const source = await ventureSource(workspaceRoot, config);
  const target = await openVentureTarget(parser, config, source, cacheDir, { lock: false, lockTimeoutMs });
  try {
    return await readDrift({ target, history: source.history, schema: source.schema, configDir: source.layout.projectRoot });
  } finally {
    await target.close();
  }
}
