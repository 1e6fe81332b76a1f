import { addProjectConfiguration, logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import downScriptsGenerator from './down-scripts';

const MIGRATIONS = 'apps/shop/prisma/migrations';

describe('down-scripts generator', () => {
  let tree: Tree;
  let info: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'shop', { root: 'apps/shop' });
    tree.write('apps/shop/prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    tree.write(`${MIGRATIONS}/1_init/migration.sql`, 'CREATE TABLE "Order" ("id" INTEGER PRIMARY KEY);\n');
  });
  afterEach(() => jest.restoreAllMocks());

  const changes = () =>
    tree
      .listChanges()
      .filter((change) => change.path.startsWith(MIGRATIONS))
      .map((change) => `${change.type} ${change.path}`);

  it('writes the down, updates MIGRATIONS.md when there is one, and says how to prove it', async () => {
    tree.write(`${MIGRATIONS}/MIGRATIONS.md`, '# old index\n');
    tree.write(`${MIGRATIONS}/2_seed/migration.sql`, `INSERT INTO "Order" VALUES (1);\n`);
    await downScriptsGenerator(tree, { project: 'shop' });
    expect(tree.read(`${MIGRATIONS}/1_init/down.sql`, 'utf-8')).toContain('DROP TABLE "public"."Order";');
    expect(tree.read(`${MIGRATIONS}/2_seed/down.sql`, 'utf-8')).toMatch(
      /^-- forge:irreversible: statement 1 inserts rows into the existing table Order \(without a column list\)\n/,
    );
    expect(tree.read(`${MIGRATIONS}/MIGRATIONS.md`, 'utf-8')).toContain('irreversible: statement 1 inserts rows');
    expect(info).toHaveBeenLastCalledWith('shop: 1 down scripts written, 1 marked irreversible. Prove them with: nx run shop:migrate-test');
  });

  it('leaves a history whose migrations all have downs alone', async () => {
    tree.write(`${MIGRATIONS}/1_init/down.sql`, 'DROP TABLE "Order";\n');
    const before = changes();
    await downScriptsGenerator(tree, { project: 'shop' });
    expect(changes()).toEqual(before);
    expect(info).toHaveBeenCalledWith('shop: every one of its 1 migrations has a down.sql already.');
  });

  it('names an unknown project and a history that does not apply, and writes nothing', async () => {
    await expect(downScriptsGenerator(tree, { project: 'nope' })).rejects.toThrow(/There is no project "nope"/);
    tree.write(`${MIGRATIONS}/2_broken/migration.sql`, 'ALTER TABLE "Missing" ADD COLUMN "x" INTEGER;\n');
    const before = changes();
    await expect(downScriptsGenerator(tree, { project: 'shop' })).rejects.toThrow(/2_broken.*relation "Missing" does not exist/s);
    expect(changes()).toEqual(before);
  });
});
