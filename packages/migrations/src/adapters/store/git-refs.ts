import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ForgeError } from '../../core/errors';

/**
 * The migration folders a git ref holds in `migrationsDir`: what the default branch already has,
 * so that a lint of "new migrations" leaves those out. A ref without the folder has none.
 */
export function migrationsOnRef(workspaceRoot: string, migrationsDir: string, ref: string): Set<string> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch (error) {
    const notRepository = /not a git repository/i.test(String((error as { stderr?: string }).stderr));
    throw new ForgeError(
      'GIT_REF_NOT_FOUND',
      notRepository
        ? `${workspaceRoot} is not a git repository, so there is no "${ref}" to compare with.`
        : `The base "${ref}" is not a commit of this repository.`,
      notRepository
        ? 'Lint every migration (leave out --onlyNew).'
        : `Fetch it (e.g. git fetch origin ${ref}) or name another with --base=<ref>; leave out --onlyNew to lint every migration.`,
    );
  }
  const folder = path.relative(workspaceRoot, migrationsDir).split(path.sep).join('/');
  try {
    return new Set(git('ls-tree', '-d', '--name-only', `${ref}:${folder}`).split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}
