import { rollbackSelector } from './rollback-selector';

const HISTORY = [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }];
const applied = new Map([
  ['a', {}],
  ['b', {}],
  ['c', {}],
]);

describe('rollbackSelector', () => {
  it('rolls back to the applied migration before the one chosen', () => {
    expect(rollbackSelector(HISTORY, applied, 'c')).toEqual({ to: 'b' });
    expect(rollbackSelector(HISTORY, applied, 'b')).toEqual({ to: 'a' });
  });

  it('rolls back everything when the first applied migration is chosen', () => {
    expect(rollbackSelector(HISTORY, applied, 'a')).toEqual({ steps: 3 });
  });

  it('leaves a migration that is not applied to the core, which refuses it by name', () => {
    expect(rollbackSelector(HISTORY, applied, 'd')).toEqual({ to: 'd' });
  });
});
