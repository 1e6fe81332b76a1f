import { createHash } from 'node:crypto';
import { splitQualified, unquoteIdentifier } from './sql/quote';

/**
 * A schema fingerprint: every object of the migrated schemas, keyed by kind and qualified name,
 * with PostgreSQL's own rendering of its definition. Column order is not part of it: a down
 * script can re-add a dropped column but only at the end of its table.
 */
export interface SchemaFingerprint {
  hash: string;
  objects: Record<string, string>;
}

export interface FingerprintDifference {
  /** Objects present in `actual` only. */
  added: string[];
  /** Objects present in `expected` only. */
  removed: string[];
  /** Objects whose definition differs, with both definitions. */
  changed: Array<{ key: string; expected: string; actual: string }>;
}

export function makeFingerprint(rows: Iterable<{ key: string; definition: string | null }>): SchemaFingerprint {
  const objects: Record<string, string> = {};
  for (const row of rows) objects[row.key] = row.definition ?? '';
  const sorted = Object.keys(objects).sort();
  const hash = createHash('sha256');
  for (const key of sorted) hash.update(`${key}\u0000${objects[key]}\u0000`);
  return { hash: hash.digest('hex'), objects: Object.fromEntries(sorted.map((key) => [key, objects[key]])) };
}

export function compareFingerprints(expected: SchemaFingerprint, actual: SchemaFingerprint): FingerprintDifference {
  const difference: FingerprintDifference = { added: [], removed: [], changed: [] };
  if (expected.hash === actual.hash) return difference;
  for (const [key, definition] of Object.entries(expected.objects)) {
    if (!(key in actual.objects)) difference.removed.push(key);
    else if (actual.objects[key] !== definition) difference.changed.push({ key, expected: definition, actual: actual.objects[key] });
  }
  for (const key of Object.keys(actual.objects)) if (!(key in expected.objects)) difference.added.push(key);
  return difference;
}

/** The kinds of object a table's rows depend on (its columns, their types, its keys). */
const TABLE_SHAPE_KINDS = ['table ', 'column ', 'constraint ', 'enum ', 'domain ', 'composite type ', 'range '];

/** Whether two schemas have the same tables, columns, types and constraints (indexes, functions and the like aside). */
export function sameTableShapes(a: SchemaFingerprint, b: SchemaFingerprint): boolean {
  if (a.hash === b.hash) return true;
  const shape = (fingerprint: SchemaFingerprint) =>
    JSON.stringify(Object.entries(fingerprint.objects).filter(([key]) => TABLE_SHAPE_KINDS.some((kind) => key.startsWith(kind))));
  return shape(a) === shape(b);
}

export function isSameSchema(difference: FingerprintDifference): boolean {
  return difference.added.length === 0 && difference.removed.length === 0 && difference.changed.length === 0;
}

/** One line per differing object, for reports: `+ index public.x`, `- column ...`, `~ constraint ...`. */
export function describeDifference(difference: FingerprintDifference): string[] {
  return [
    ...difference.added.map((key) => `+ ${key} (not there before)`),
    ...difference.removed.map((key) => `- ${key} (missing)`),
    ...difference.changed.map(({ key, expected, actual }) => `~ ${key}: expected ${expected}, found ${actual}`),
  ];
}

/** Whether the schema holds a table, or a column of it, by bare names (in any schema). */
export function holdsObject(fingerprint: SchemaFingerprint, table: string, column?: string): boolean {
  const kind = column === undefined ? 'table' : 'column';
  return Object.keys(fingerprint.objects).some((key) => {
    if (!key.startsWith(`${kind} `)) return false;
    const [, name, field] = splitQualified(key.slice(kind.length + 1)).map(unquoteIdentifier);
    return name === table && field === column;
  });
}
