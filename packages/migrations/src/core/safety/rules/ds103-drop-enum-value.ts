import type { Rule } from '../rule';

/**
 * PostgreSQL cannot drop an enum value: Prisma recreates the type (CREATE TYPE "X_new", columns
 * converted with USING, renames, DROP TYPE "X_old"). Rows holding a dropped value fail the
 * conversion, or lose it.
 */
export const dropEnumValue: Rule = {
  code: 'DS103',
  family: 'destructive',
  severity: 'error',
  title: 'Dropping an enum value',
  doc: {
    problem:
      'Removing a value from an enum recreates the type. Rows that hold the removed value make the ' +
      'conversion fail (the migration aborts), or, with a custom USING, lose the value.',
    solution:
      'Update the rows that hold the value to another one first (a data migration), deploy code that no longer writes it, then remove it.',
  },
  check: (operation, context) => {
    if (operation.kind !== 'drop_type') return undefined;
    const ops = context.operations.map((located) => located.operation);
    const renamedAway = ops.find((op) => op.kind === 'rename_type' && op.to === operation.type);
    const original = renamedAway?.kind === 'rename_type' ? renamedAway.type : operation.type;
    const replacementName = ops.find((op) => op.kind === 'rename_type' && op.to === original && op.type !== original);
    const replacement = ops.find(
      (op) => op.kind === 'create_enum' && op.type === (replacementName?.kind === 'rename_type' ? replacementName.type : original),
    );
    if (replacement?.kind !== 'create_enum') return undefined;
    const before = context.enumValues(original);
    if (!before) return `recreates enum ${original} as (${replacement.values.join(', ')}): any value missing from it is dropped`;
    const dropped = before.filter((value) => !replacement.values.includes(value));
    return dropped.length ? `drops value${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} of enum ${original}` : undefined;
  },
};
