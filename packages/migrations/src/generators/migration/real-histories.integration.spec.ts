import { logger } from '@nx/devkit';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { testProject } from '../../use-cases/test';
import { REPO_ROOT } from '../../test-support/fixtures';
import { historyWorkspace, type HistoryWorkspace, REAL_HISTORIES, type RealHistory } from '../../test-support/real-histories';
import migrationGenerator from './migration';
import { PgliteDatabase } from '../../adapters/db/pglite-database';
import { defaultSnapshotCacheDir } from '../../adapters/db/pglite-snapshot';
import { AppliedPrefixes } from '../../use-cases/shared/embedded-prefixes';

const MINUTES = 60_000;

/** The generator in schema mode (schema.prisma edited by hand) on top of the public histories under fixtures/. */
describe('the migration generator on top of a real history', () => {
  let workspace: HistoryWorkspace;
  beforeEach(() => {
    for (const level of ['info', 'warn'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    workspace.remove();
  });

  async function generateFromEditedSchema(history: RealHistory): Promise<string> {
    workspace = historyWorkspace(history);
    appendFileSync(
      path.join(workspace.projectDir, 'prisma/schema.prisma'),
      '\nmodel ForgeNote {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n',
    );
    const tree = new FsTree(workspace.dir, false);
    await migrationGenerator(tree, { project: workspace.project, migrationName: 'forge_note', skipFormat: true });
    flushChanges(workspace.dir, tree.listChanges());
    const folder = readdirSync(workspace.migrationsDir).find((name) => name.endsWith('_forge_note'));
    expect(folder).toBeDefined();
    return path.join(workspace.migrationsDir, folder!);
  }

  it.each(REAL_HISTORIES)(
    'writes a proven migration for the edit on %s, which also closes what schema.prisma and the history disagreed on',
    async (history) => {
      const folder = await generateFromEditedSchema(history);
      expect(readFileSync(path.join(folder, 'migration.sql'), 'utf8')).toMatch(/CREATE TABLE "ForgeNote"/);
      expect(readFileSync(path.join(folder, 'down.sql'), 'utf8')).toMatch(/DROP TABLE ("public"\.)?"ForgeNote"/);
      const readme = readFileSync(path.join(folder, 'README.md'), 'utf8');
      expect(readme).toContain('ForgeNote');
      // Fields the schema spells differently from introspection (`Int @db.Integer`) are not "changed".
      expect(readme).not.toMatch(/WebsiteEvent\.eventType is changed/);
      if (history === 'trigger-dev') return;
      // The short histories: migrate-test of the history and the new migration, with no drift left.
      const report = await testProject({
        project: workspace.project,
        projectRoot: workspace.projectDir,
        workspaceRoot: REPO_ROOT,
        urlSource: 'TEST_DATABASE_URL',
        allowDrift: false,
      });
      expect(report.errors).toEqual([]);
      expect(report.drift.clean).toBe(true);
      expect(report.migrations.at(-1)).toMatchObject({ applied: true, down: 'verified' });
    },
    10 * MINUTES,
  );

  it(
    'proves on the history an earlier generation kept applied, and writes the same migration',
    async () => {
      const store = path.join(defaultSnapshotCacheDir(REPO_ROOT), 'prefixes');
      const kept = () => (existsSync(store) ? readdirSync(store).filter((name) => !name.startsWith('.')) : []);
      // What earlier specs of this file kept (their own cache folder) goes: this one starts with none.
      rmSync(store, { recursive: true, force: true });
      const entriesBefore = new Set(kept());
      const generated = (folder: string) => ['migration.sql', 'down.sql'].map((file) => readFileSync(path.join(folder, file), 'utf8'));
      const opens = jest.spyOn(PgliteDatabase, 'open');
      const worthKeeping = AppliedPrefixes.worthKeepingMs;
      AppliedPrefixes.worthKeepingMs = 0;
      try {
        const cold = generated(await generateFromEditedSchema('umami'));
        expect(opens.mock.calls[0][0].snapshot).toBeUndefined();
        expect(kept().filter((name) => !entriesBefore.has(name))).toHaveLength(1);
        workspace.remove();
        opens.mockClear();
        const again = generated(await generateFromEditedSchema('umami'));
        // The scratch database started from the kept data folder, and nothing more was kept.
        expect(opens.mock.calls[0][0].snapshot).toBeDefined();
        expect(kept().filter((name) => !entriesBefore.has(name))).toHaveLength(1);
        expect(again).toEqual(cold);
      } finally {
        AppliedPrefixes.worthKeepingMs = worthKeeping;
      }
    },
    10 * MINUTES,
  );
});
