import { ForgeError } from '../../core/errors';
import { MigrationEngine } from '../../adapters/engine/migration-engine';
import type { DeployInput } from '../deploy';
import { readAppliedState } from './applied-state';
import { pendingMigrations } from './preflight';

/**
 * Nothing pending or failed. A live schema that differs from schema.prisma is a warning: the
 * database is what its migrations make (drift from them was checked before), and a schema file
 * the history does not match is what migrate-test reports, not a reason to undo the deploy.
 */
export async function verify(input: DeployInput, warnings: string[]): Promise<void> {
  const state = await readAppliedState(input.target.database);
  const left = pendingMigrations(input.history, state);
  if (left.length || state.failed.length) {
    throw new ForgeError(
      'DEPLOY_INCOMPLETE',
      `After the deploy, ` +
        `${[...left.map((m) => m.name), ...state.failed.map((row) => row.migration_name)].join(', ')} ` +
        `${left.length + state.failed.length > 1 ? 'are' : 'is'} still not applied.`,
      'See the deploy history for what happened.',
    );
  }
  const engine = await MigrationEngine.start(input.target.database);
  try {
    const gap = await engine.diff(
      { kind: 'database', files: input.schema, configDir: input.configDir },
      { kind: 'schema', files: input.schema },
    );
    if (gap)
      warnings.push(
        `the deployed schema differs from schema.prisma (migrate-test reports it as drift); this SQL would close the gap:\n${gap}`,
      );
  } finally {
    engine.dispose();
  }
}
