import { selectorThrough } from './rollback-through';

const HISTORY = [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }];
const applied = new Map([
  ['a', {}],
  ['b', {}],
  ['c', {}],
]);

describe('selectorThrough', () => {
  it('rolls back to the applied migration before the one chosen', () => {
    expect(selectorThrough(HISTORY, applied, 'c')).toEqual({ to: 'b' });
    expect(selectorThrough(HISTORY, applied, 'b')).toEqual({ to: 'a' });
  });

  it('rolls back everything when the first applied migration is chosen', () => {
    expect(selectorThrough(HISTORY, applied, 'a')).toEqual({ steps: 3 });
  });

  it('leaves a migration that is not applied to the plan, which refuses it by name', () => {
    expect(selectorThrough(HISTORY, applied, 'd')).toEqual({ to: 'd' });
  });
});
