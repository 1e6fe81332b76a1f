import type { ArchiveEntry } from './archive-sql';

/** A foreign key between two tables: `from`'s rows refer to `to`'s. */
export interface TableReference {
  from: { schema: string; table: string };
  to: { schema: string; table: string };
}

/** A foreign key with its columns and what a DELETE of the rows it refers to does to its own. */
export interface ForeignKey extends TableReference {
  columns: string[];
  /** pg_constraint.confdeltype: a no action, r restrict, c cascade, n set null, d set default. */
  onDelete: string;
}

/**
 * Archives in an order their rows can go back in: each after the archives of the tables its
 * table's foreign keys refer to (a DELETE empties the referring table first, the restore fills it
 * last), else in the order given. A cycle of references is broken, once nothing else is left, at
 * its first archive.
 */
export function referencedFirst<T extends ArchiveEntry>(entries: readonly T[], references: readonly TableReference[]): T[] {
  const id = (table: { schema: string; table: string }) => `${table.schema}.${table.table}`;
  const refersTo = (entry: T, other: T) =>
    id(entry.source) !== id(other.source) &&
    references.some((reference) => id(reference.from) === id(entry.source) && id(reference.to) === id(other.source));
  const left = [...entries];
  const ordered: T[] = [];
  while (left.length) {
    const next = left.findIndex((entry) => !left.some((other) => refersTo(entry, other)));
    ordered.push(...left.splice(Math.max(next, 0), 1));
  }
  return ordered;
}
