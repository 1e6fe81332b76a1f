import type { RollbackSelector } from '../core/deploy/rollback-plan';

/**
 * What "roll back this migration" means to the rollback core: back to the applied migration
 * before it (so every later one is undone too, as the impact shows), or all of them.
 */
export function rollbackSelector(
  history: ReadonlyArray<{ name: string }>,
  applied: ReadonlyMap<string, unknown>,
  migration: string,
): RollbackSelector {
  const inEffect = history.filter((candidate) => applied.has(candidate.name));
  const index = inEffect.findIndex((candidate) => candidate.name === migration);
  if (index < 0) return { to: migration }; // the core refuses it, naming it
  return index === 0 ? { steps: inEffect.length } : { to: inEffect[index - 1].name };
}
