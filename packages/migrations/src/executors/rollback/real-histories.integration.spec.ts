import { logger } from '@nx/devkit';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { schemaVersions } from '../../core/schema-version';
import { loadSqlParser } from '../../core/sql/parser';
import downScriptsGenerator from '../../generators/down-scripts/down-scripts';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { createServerDatabase } from '../../test-support/databases';
import { executorContext } from '../../test-support/executor-context';
import { historyWorkspace, type HistoryWorkspace } from '../../test-support/real-histories';
import { serverRows, serverState } from '../../test-support/server-queries';
import migrateDeployExecutor from '../deploy/executor';
import migrateStatusExecutor from '../status/executor';
import migrateRollbackExecutor from './executor';

/**
 * `migrate-rollback --toVersion` on umami's history (up to 18_add_performance), deployed to a
 * real PostgreSQL with the down scripts `down-scripts` derived for it.
 */
describe('migrate-rollback --toVersion on a real history', () => {
  let workspace: HistoryWorkspace;
  let database: { url: string; drop: () => Promise<void> };
  const saved = { ...process.env };
  const context = (target: string) => ({ ...executorContext(workspace.dir, workspace.project, workspace.projectRoot), targetName: target });
  const applied = async () =>
    (
      await serverRows<{ migration_name: string }>(
        database.url,
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
      )
    ).map((row) => row.migration_name);

  beforeEach(async () => {
    for (const level of ['info', 'warn', 'error'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    workspace = historyWorkspace('umami');
    rmSync(path.join(workspace.migrationsDir, '19_add_session_replay'), { recursive: true });
    const tree = new FsTree(workspace.dir, false);
    await downScriptsGenerator(tree, { project: workspace.project });
    flushChanges(workspace.dir, tree.listChanges());
    database = await createServerDatabase('history_rollback');
    process.env['DATABASE_URL'] = database.url;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await database.drop();
    workspace.remove();
  });

  it('rolls back to a schema version by the downs, and a deploy brings the history back, clean', async () => {
    const history = readMigrationHistory(workspace.migrationsDir);
    const names = history.migrations.map((migration) => migration.name);
    const versions = schemaVersions(await loadSqlParser(), history.migrations);
    const target = versions[names.indexOf('16_boards')].version;
    expect(await migrateDeployExecutor({ lockTimeout: 5, allowDrift: true }, context('migrate-deploy'))).toEqual({ success: true });
    const deployed = await serverState(database.url);

    expect(await migrateRollbackExecutor({ lockTimeout: 5, toVersion: target, yes: true }, context('migrate-rollback'))).toEqual({
      success: true,
    });
    expect(await applied()).toEqual(names.slice(0, names.indexOf('16_boards') + 1));
    expect(await migrateStatusExecutor({ check: true, versionFile: '' }, context('migrate-status'))).toEqual({ success: false });

    expect(await migrateDeployExecutor({ lockTimeout: 5, allowDrift: true }, context('migrate-deploy'))).toEqual({ success: true });
    expect(await applied()).toEqual(names);
    expect((await serverState(database.url)).schema).toEqual(deployed.schema);
    expect(await migrateStatusExecutor({ check: true, versionFile: '' }, context('migrate-status'))).toEqual({ success: true });
  }, 300_000);
});
