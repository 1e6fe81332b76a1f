/** What a set of changes means beyond the schema edit: the SQL around the engine's diff, and the docs. */
export interface ChangePlan {
  /** One line per change, for the docs and the console. */
  summary: string[];
  /** SQL run before the engine's diff in the up script (renames, in-place type changes). */
  upPrelude: string[];
  /** The same for the down script. */
  downPrelude: string[];
  /** SQL after the engine's diff in the up script (what Prisma's schema cannot express). */
  upAppendix: string[];
  /** SQL at the start of the down script, undoing the appendix. */
  downAppendix: string[];
  /** Indexes (database names) to create or drop CONCURRENTLY. */
  concurrentIndexes: string[];
  /** Why the down script cannot restore what the up script removes. */
  irreversible: string[];
  /** What breaks for application code, and what to do about it. */
  breaking: string[];
  /** Models (names after the change) the docs draw, with their neighbours. */
  affectedModels: string[];
  /** Columns whose type changes: the generator decides between an in-place cast and expand/contract. */
  typeChanges: TypeChange[];
}

export interface TypeChange {
  model: string;
  table: string;
  field: string;
  column: string;
  /** Prisma types, for the docs. */
  from: string;
  to: string;
  /** SQL types, for the statements. */
  fromSql: string;
  toSql: string;
  /** The cast expression, over the old column. */
  using?: string;
}

export function emptyPlan(): ChangePlan {
  return {
    summary: [],
    upPrelude: [],
    downPrelude: [],
    upAppendix: [],
    downAppendix: [],
    concurrentIndexes: [],
    irreversible: [],
    breaking: [],
    affectedModels: [],
    typeChanges: [],
  };
}
