import { attributeChanges, erDiagram } from '../core/docs/er-diagram';
import type { Datamodel } from '../core/schema/datamodel';
import type { SchemaStates } from '../use-cases/schema-states';
import type { MigrationDiagrams } from './venture-view';

const EMPTY: Datamodel = { models: [], enums: [], indexes: [] };

/** The states one migration's diagrams need: before it and after it. */
export function statesAround(index: number): Set<number> {
  return new Set([index - 1, index].filter((i) => i >= 0));
}

/** The before/after diagrams of migration `index`, focused on the models it touched. */
export function migrationDiagrams(states: SchemaStates, index: number): MigrationDiagrams {
  const before = index === 0 ? EMPTY : states.get(index - 1);
  const after = states.get(index);
  const failed = [before, after].find((state): state is Error => state instanceof Error);
  if (failed || !after || !before) return { before: '', after: '', changes: [], error: failed?.message ?? 'no such migration' };
  const marks = attributeChanges(before as Datamodel, after as Datamodel);
  const changes = [...marks.after, ...[...marks.before].filter(([, mark]) => mark === 'removed')].map(([key, change]) => {
    const [model, field] = key.split('.');
    return { model, field, change };
  });
  const models = (state: Datamodel) => new Set(state.models.map((model) => model.name));
  const [namesBefore, namesAfter] = [models(before as Datamodel), models(after as Datamodel)];
  const focus = [
    ...new Set([
      ...changes.map((change) => change.model),
      ...[...namesAfter].filter((name) => !namesBefore.has(name)),
      ...[...namesBefore].filter((name) => !namesAfter.has(name)),
    ]),
  ];
  return {
    before: erDiagram(
      before as Datamodel,
      focus.filter((name) => namesBefore.has(name)),
      marks.before,
    ),
    after: erDiagram(
      after as Datamodel,
      focus.filter((name) => namesAfter.has(name)),
      marks.after,
    ),
    changes,
  };
}
