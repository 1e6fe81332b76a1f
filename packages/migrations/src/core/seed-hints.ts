import { createHash } from 'node:crypto';
import { readMigrationIntent, tableKey } from './migration-intent';
import { type Located, readOperationsIfValid } from './safety/operations';
import { type SqlParser, SqlSyntaxError } from './sql/parser';

/** A foreign key a migration adds to a table that may already hold rows. */
export interface LaterReference {
  /** `schema.table` */
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}

/**
 * What the rest of a history tells about the values rows seeded before a migration need, as real
 * rows that reached those migrations had: columns a later migration converts to another type
 * (the value must survive the cast), gives a foreign key (the value must be one the referenced
 * table holds) or makes unique (values must differ).
 */
export interface SeedHints {
  /** Table -> column -> the type it is converted to. */
  castTargets: Map<string, Map<string, string>>;
  /** Table -> the foreign keys added to it. */
  references: Map<string, LaterReference[]>;
  /** Table -> the column sets made unique. */
  uniques: Map<string, string[][]>;
  /** The tables the coming migration itself changes: each gets a fresh row before it. */
  touched: Set<string>;
}

interface HintedMigration {
  sql: string;
}

/** The hints for the rows seeded before each migration of a history (index = the migration's). */
export class HistoryHints {
  /** Per migration, what it asks of the rows seeded before it and before every earlier migration. */
  private readonly asked: AskedOfRows[];
  private readonly castTargets = new Map<string, Map<string, string>>();

  constructor(parser: SqlParser, migrations: readonly HintedMigration[]) {
    this.asked = migrations.map((migration) => askedOfRows(readOperationsIfValid(parser, migration.sql)));
    for (const migration of migrations) {
      for (const [table, columns] of retypedColumns(parser, migration.sql)) {
        const merged = this.castTargets.get(table) ?? new Map<string, string>();
        columns.forEach((type, column) => merged.set(column, type));
        this.castTargets.set(table, merged);
      }
    }
  }

  /** For rows seeded before migration `index`: what it and every later migration require. */
  before(index: number): SeedHints {
    const references = new Map<string, LaterReference[]>();
    const uniques = new Map<string, string[][]>();
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const values = map.get(key);
      if (values) values.push(value);
      else map.set(key, [value]);
    };
    for (const asked of this.asked.slice(index)) {
      for (const reference of asked.references) push(references, reference.table, reference);
      for (const [table, columns] of asked.uniques) push(uniques, table, columns);
    }
    return { castTargets: this.castTargets, references, uniques, touched: new Set(this.asked[index]?.touched) };
  }
}

/** The foreign keys and unique column sets a migration adds, and the tables it changes. */
interface AskedOfRows {
  references: LaterReference[];
  uniques: Array<[table: string, columns: string[]]>;
  touched: string[];
}

function askedOfRows(operations: readonly Located[]): AskedOfRows {
  const asked: AskedOfRows = { references: [], uniques: [], touched: [] };
  for (const { operation } of operations) {
    if (operation.kind === 'add_constraint' && operation.constraint === 'foreign_key' && operation.references && operation.columns.length) {
      asked.references.push({
        table: tableKey(undefined, operation.table),
        columns: operation.columns,
        refTable: tableKey(undefined, operation.references.table),
        refColumns: operation.references.columns,
      });
    }
    const unique =
      (operation.kind === 'create_index' && operation.unique) || (operation.kind === 'add_constraint' && operation.constraint === 'unique');
    if (unique && operation.columns.length) asked.uniques.push([tableKey(undefined, operation.table), operation.columns]);
    if ('table' in operation) asked.touched.push(tableKey(undefined, operation.table));
  }
  return asked;
}

/**
 * What of `hints` bears on the rows seeded while `tables` exist, as a digest: where two histories'
 * hints agree on it, the rows seeded before that migration are the same in both.
 */
export function seedHintsDigest(hints: SeedHints, tables: readonly string[]): string {
  const present = new Set(tables);
  const only = <T>(map: Map<string, T>) =>
    [...map].filter(([table]) => present.has(table)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bearing = [
    only(hints.castTargets).map(([table, columns]) => [table, [...columns].sort()]),
    only(hints.references),
    only(hints.uniques),
    [...hints.touched].sort(),
  ];
  return createHash('sha256').update(JSON.stringify(bearing)).digest('hex');
}

export const NO_SEED_HINTS: SeedHints = { castTargets: new Map(), references: new Map(), uniques: new Map(), touched: new Set() };

function retypedColumns(parser: SqlParser, sql: string): Map<string, Map<string, string>> {
  try {
    return readMigrationIntent(parser, sql).retypedColumns;
  } catch (error) {
    if (error instanceof SqlSyntaxError) return new Map();
    throw error;
  }
}
