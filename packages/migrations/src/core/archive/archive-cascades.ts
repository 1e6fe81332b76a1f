import { type ArchiveTarget, targetId } from './archive-targets';
import type { ForeignKey } from './restore-order';

/**
 * The targets with what emptying a table reaches through the foreign keys that refer to it, each
 * right after the target that reaches it: the tables a TRUNCATE ... CASCADE empties, and those a
 * DELETE empties (ON DELETE CASCADE) or whose key columns it sets (ON DELETE SET NULL or SET
 * DEFAULT), and on from there. Tables are matched by schema: `targets` must name theirs.
 */
export function withCascades(targets: readonly ArchiveTarget[], foreignKeys: readonly ForeignKey[]): ArchiveTarget[] {
  const known = new Set(targets.map(targetId));
  const out: ArchiveTarget[] = [];
  const visit = (target: ArchiveTarget) => {
    out.push(target);
    if (target.kind !== 'rows' || !target.cascade) return;
    for (const key of foreignKeys) {
      const referring = { schema: key.from.schema, name: key.from.table };
      const self = key.from.schema === key.to.schema && key.from.table === key.to.table;
      if (self || key.to.schema !== target.table.schema || key.to.table !== target.table.name) continue;
      for (const reached of reachedBy(target.cascade, key, referring)) {
        if (known.has(targetId(reached)) || known.has(targetId({ kind: 'table', table: referring }))) continue;
        known.add(targetId(reached));
        visit(reached);
      }
    }
  };
  for (const target of targets) visit(target);
  return out;
}

function reachedBy(cascade: 'truncate' | 'delete', key: ForeignKey, table: { schema: string; name: string }): ArchiveTarget[] {
  if (cascade === 'truncate' || key.onDelete === 'c') return [{ kind: 'rows', table, cascade }];
  if (key.onDelete === 'n' || key.onDelete === 'd') return key.columns.map((column) => ({ kind: 'column', table, column }));
  return [];
}
