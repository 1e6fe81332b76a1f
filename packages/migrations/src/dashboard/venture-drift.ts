import type { StatusReport } from '../core/deploy/status-report';
import type { SqlParser } from '../core/sql/parser';
import { readDrift } from '../use-cases/status';
import { lookAtVenture, type VentureConfig } from './ventures';

/** The venture's drift, which a served venture page fills in once measured. */
export function ventureDrift(
  parser: SqlParser,
  workspaceRoot: string,
  config: VentureConfig,
  how: { cacheDir: string; lockTimeoutMs: number },
): Promise<StatusReport['drift']> {
  return lookAtVenture(parser, workspaceRoot, config, how, (source, target) =>
    readDrift({ target, history: source.history, schema: source.schema, configDir: source.layout.projectRoot }),
  );
}
