import { readJson, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import initGenerator from './init';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin in nx.json and adds the dev dependency', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual({
      plugin: '@forge/migrations',
      options: { testTargetName: 'migrate-test', reportsDirectory: 'reports/migrate-test' },
    });
    expect(readJson(tree, 'package.json').devDependencies['@forge/migrations']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('changes nothing the second time, and keeps a registration it finds', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['@forge/migrations'] });
    await initGenerator(tree, { skipFormat: true });
    const once = tree.listChanges().map((change) => [change.path, change.content?.toString()]);
    await initGenerator(tree, { skipFormat: true });
    expect(tree.listChanges().map((change) => [change.path, change.content?.toString()])).toEqual(once);
    expect(readNxJson(tree)!.plugins).toEqual(['@forge/migrations']);
  });

  it('leaves package.json alone with skipPackageJson', async () => {
    await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
    expect(readJson(tree, 'package.json').devDependencies?.['@forge/migrations']).toBeUndefined();
  });

  it('keeps the embedded databases and backups out of git, once', async () => {
    tree.write('.gitignore', 'node_modules');
    await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
    await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n# @forge/migrations: embedded databases and backups\n.forge/\n');
  });
});
