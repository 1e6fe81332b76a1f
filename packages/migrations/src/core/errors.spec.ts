import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test-support/fixtures';
import { describeError, ERROR_CODES, ForgeError } from './errors';

describe('errors', () => {
  it('prints the cause, the hint and the code, each on a line', () => {
    expect(describeError(new ForgeError('DEPLOY_LOCKED', 'Another deploy is running.', 'Wait for it.'))).toBe(
      'Another deploy is running.\n  hint: Wait for it.\n  code: DEPLOY_LOCKED',
    );
    expect(describeError(new Error('plain'))).toBe('plain');
  });

  it('lists every code in the README, and no other', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map(([, code, when]) => [code, when]);
    expect(listed).toEqual(Object.entries(ERROR_CODES));
  });
});
