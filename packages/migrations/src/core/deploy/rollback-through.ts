import type { RollbackSelector } from './rollback-plan';

/** Undo `through` and every applied migration after it (the dashboard's "roll back this migration"). */
export type ThroughSelector = { through: string };

/**
 * What rolling back through a migration means to the rollback plan: back to the applied
 * migration before it (so every later one is undone too, as the impact shows), or all of them.
 */
export function selectorThrough(
  history: ReadonlyArray<{ name: string }>,
  applied: ReadonlyMap<string, unknown>,
  migration: string,
): RollbackSelector {
  const inEffect = history.filter((candidate) => applied.has(candidate.name));
  const index = inEffect.findIndex((candidate) => candidate.name === migration);
  if (index < 0) return { to: migration }; // the core refuses it, naming it
  return index === 0 ? { steps: inEffect.length } : { to: inEffect[index - 1].name };
}
