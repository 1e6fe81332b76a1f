import type { MigrationIntent } from '../../core/migration-intent';
import { qualifiedName, quoteIdentifier } from '../../core/sql/quote';
import type { Database } from '../../adapters/db/database';
import type { TableModel } from '../shared/table-catalog';

/** How many rows a removal took from one table (its own seeded rows and the rows that referenced them). */
export interface RemovedRows {
  table: string;
  rows: number;
}

/** Referencing rows that PostgreSQL would not delete by itself: no action, restrict, set default. */
const BLOCKING_DELETE_ACTIONS = new Set(['a', 'r', 'd']);

/**
 * The rows migrate-test inserted, by table, each known by its primary key (every column of a
 * table without one) as inserted, so that they can be told from rows the migrations wrote
 * themselves. Table and column renames are followed from migration to migration.
 */
export interface SeededRowsState {
  keys: Map<string, Array<Record<string, unknown>>>;
  shapes: Map<string, string>;
}

export class SeededRows {
  private readonly keys = new Map<string, Array<Record<string, unknown>>>();
  /** The shape of each table (columns, types, keys) when its newest row was inserted. */
  private readonly shapes = new Map<string, string>();

  /** What it holds, as plain data (see proof-state.ts). */
  toState(): SeededRowsState {
    return { keys: new Map(this.keys), shapes: new Map(this.shapes) };
  }

  static fromState(state: SeededRowsState): SeededRows {
    const rows = new SeededRows();
    for (const [table, keys] of state.keys) rows.keys.set(table, keys);
    for (const [table, shape] of state.shapes) rows.shapes.set(table, shape);
    return rows;
  }

  add(table: TableModel, row: Record<string, unknown>): void {
    const columns = table.primaryKey.length ? table.primaryKey : table.columns.map((column) => column.name);
    const key = Object.fromEntries(columns.map((column) => [column, row[column]]));
    this.keys.set(table.key, [...(this.keys.get(table.key) ?? []), key]);
    this.shapes.set(table.key, shapeOf(table));
  }

  /**
   * Whether a table needs a new representative row: it holds none of ours, or its columns changed
   * since the last one (a row of the same shape checks little another does not). With a fresh
   * row for each table a migration changes, this keeps a long history's rows to a few per table
   * instead of one per table and migration.
   */
  needsRow(table: TableModel): boolean {
    return this.count(table.key) === 0 || this.shapes.get(table.key) !== shapeOf(table);
  }

  count(table?: string): number {
    if (table !== undefined) return this.keys.get(table)?.length ?? 0;
    return [...this.keys.values()].reduce((sum, keys) => sum + keys.length, 0);
  }

  tables(): string[] {
    return [...this.keys.keys()].filter((table) => this.count(table) > 0);
  }

  /** Follow what a migration did to the tables and key columns. */
  follow(intent: MigrationIntent): void {
    for (const table of intent.droppedTables) this.keys.delete(table);
    for (const [table, renames] of intent.renamedColumns) {
      const keys = this.keys.get(table);
      if (!keys) continue;
      this.keys.set(
        table,
        keys.map((key) => Object.fromEntries(Object.entries(key).map(([column, value]) => [renames.get(column) ?? column, value]))),
      );
    }
    for (const [from, to] of intent.renamedTables) {
      const keys = this.keys.get(from);
      if (!keys) continue;
      this.keys.delete(from);
      this.keys.set(to, keys);
    }
    // Shapes are compared afresh after renames: a renamed table or column is a new shape.
  }

  /**
   * Delete the seeded rows of `tables` and, first, every row that references them where
   * PostgreSQL would refuse the delete (what cascades or is set NULL, PostgreSQL does itself).
   * Returns the rows deleted per table.
   */
  async remove(database: Database, models: Map<string, TableModel>, tables: readonly string[]): Promise<RemovedRows[]> {
    const removed = new Map<string, number>();
    for (const key of tables) {
      const table = models.get(key);
      const keys = this.keys.get(key);
      if (!table || !keys?.length) continue;
      await deleteWithReferences(
        database,
        models,
        table,
        'to_jsonb(t0) @> ANY($1::jsonb[])',
        [keys.map((entry) => JSON.stringify(entry))],
        removed,
        0,
      );
      this.keys.delete(key);
    }
    return [...removed].map(([table, rows]) => ({ table, rows }));
  }
}

function shapeOf(table: TableModel): string {
  return JSON.stringify([
    table.columns.map((column) => [column.name, column.typeSql, column.notNull, column.hasDefault, column.enumLabels]),
    table.primaryKey,
    table.foreignKeys.map((foreignKey) => [foreignKey.columns, foreignKey.refTable]),
  ]);
}

async function deleteWithReferences(
  database: Database,
  models: Map<string, TableModel>,
  table: TableModel,
  where: string,
  params: unknown[],
  removed: Map<string, number>,
  depth: number,
): Promise<void> {
  const alias = `t${depth}`;
  // A cycle of references stops at a depth no real schema reaches.
  if (depth < 16) {
    for (const child of models.values()) {
      for (const foreignKey of child.foreignKeys) {
        if (foreignKey.refTable !== table.key || child.key === table.key || !BLOCKING_DELETE_ACTIONS.has(foreignKey.onDelete)) continue;
        const referenced = foreignKey.refColumns.map((column) => `${alias}.${quoteIdentifier(column)}`).join(', ');
        const childAlias = `t${depth + 1}`;
        const childWhere =
          `(${foreignKey.columns.map((column) => `${childAlias}.${quoteIdentifier(column)}`).join(', ')}` +
          `) IN (SELECT ${referenced} FROM ${qualifiedName(table.schema, table.name)} ${alias} WHERE ` +
          `${where})`;
        await deleteWithReferences(database, models, child, childWhere, params, removed, depth + 1);
      }
    }
  }
  const rows = await database.query(`DELETE FROM ${qualifiedName(table.schema, table.name)} ${alias} WHERE ${where} RETURNING 1`, params);
  if (rows.length) removed.set(table.key, (removed.get(table.key) ?? 0) + rows.length);
}
