import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Who approves a data loss: the git identity of the workspace, else the OS user. */
export function approver(workspaceRoot: string): string {
  const git = (key: string) => {
    try {
      return execFileSync('git', ['config', key], { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const name = git('user.name');
  const email = git('user.email');
  if (name || email) return [name, email && `<${email}>`].filter(Boolean).join(' ');
  return os.userInfo().username;
}
