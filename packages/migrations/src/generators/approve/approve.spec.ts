import { addProjectConfiguration, logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { loadSqlParser, type SqlParser } from '../../core/sql/parser';
import { lintHistory } from '../../core/lint/lint-report';
import { readMigrationHistory } from '../../adapters/store/migration-store';
import { treeFiles } from '../../adapters/store/tree-files';
import approveGenerator from './approve';

const MIGRATIONS = 'apps/shop/prisma/migrations';

describe('approve generator', () => {
  let tree: Tree;
  let parser: SqlParser;
  beforeAll(async () => {
    parser = await loadSqlParser();
  });
  beforeEach(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'shop', { root: 'apps/shop' });
    tree.write('apps/shop/prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    tree.write(`${MIGRATIONS}/1_init/migration.sql`, 'CREATE TABLE "Order" ("id" INTEGER PRIMARY KEY, "note" TEXT);\n');
    tree.write(`${MIGRATIONS}/2_drop_note/migration.sql`, 'ALTER TABLE "Order" DROP COLUMN "note";\n');
  });
  afterEach(() => jest.restoreAllMocks());

  const lint = () =>
    lintHistory({
      parser,
      project: 'shop',
      migrations: readMigrationHistory(`${tree.root}/${MIGRATIONS}`, treeFiles(tree)).migrations,
      include: () => true,
      fileOf: (name) => name,
      scope: 'all',
    });

  it('writes an approval that makes the lint pass, until the SQL is edited', async () => {
    expect(lint().ok).toBe(false);
    await approveGenerator(tree, { project: 'shop', migration: '2_drop_note' }, new Date('2026-11-23T10:00:00Z'));
    const record = JSON.parse(tree.read(`${MIGRATIONS}/2_drop_note/approval.json`, 'utf-8')!);
    expect(record).toMatchObject({
      approvedAt: '2026-11-23T10:00:00.000Z',
      codes: ['DS102'],
      findings: ['DS102 line 1: drops column Order.note and its values'],
    });
    expect(lint().ok).toBe(true);
    tree.write(`${MIGRATIONS}/2_drop_note/migration.sql`, 'ALTER TABLE "Order" DROP COLUMN "note" CASCADE;\n');
    expect(lint().ok).toBe(false);
  });

  it('approves every migration with unapproved data loss when none is named, and then has nothing left to approve', async () => {
    await approveGenerator(tree, { project: 'shop' });
    expect(tree.exists(`${MIGRATIONS}/2_drop_note/approval.json`)).toBe(true);
    expect(tree.exists(`${MIGRATIONS}/1_init/approval.json`)).toBe(false);
    await expect(approveGenerator(tree, { project: 'shop' })).rejects.toThrow(/No migration of shop has unapproved data loss/);
  });

  it('names a migration that does not exist or has no data loss, and writes nothing', async () => {
    await expect(approveGenerator(tree, { project: 'shop', migration: '9_nope' })).rejects.toThrow(/shop has no migration "9_nope"/);
    await expect(approveGenerator(tree, { project: 'shop', migration: '1_init' })).rejects.toThrow(/1_init has no destructive finding/);
    expect(tree.listChanges().some((change) => change.path.endsWith('approval.json'))).toBe(false);
  });
});
