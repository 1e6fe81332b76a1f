import { readProjectConfiguration, type Tree } from '@nx/devkit';
import path from 'node:path';
import { ForgeError } from '../../core/errors';
import type { ProjectFiles } from './project-files';

/** The store reads Nx's virtual file tree, so that a generator sees its own pending writes and --dry-run works. */
export function treeFiles(tree: Tree): ProjectFiles {
  const relative = (file: string) => path.relative(tree.root, file).split(path.sep).join('/');
  return {
    exists: (file) => tree.exists(relative(file)),
    isDirectory: (file) => tree.exists(relative(file)) && !tree.isFile(relative(file)),
    read: (file) => {
      const content = tree.read(relative(file), 'utf-8');
      if (content === null) throw Object.assign(new Error(`no such file: ${file}`), { code: 'ENOENT' });
      return content;
    },
    list: (dir) => tree.children(relative(dir)).map((name) => ({ name, isDirectory: !tree.isFile(`${relative(dir)}/${name}`) })),
  };
}

/** The root of a workspace project, or an error naming it. */
export function projectRootOf(tree: Tree, project: string): string {
  try {
    return readProjectConfiguration(tree, project).root;
  } catch {
    throw new ForgeError(
      'PROJECT_NOT_FOUND',
      `There is no project "${project}" in this workspace.`,
      'Run `nx show projects` to list them.',
    );
  }
}
