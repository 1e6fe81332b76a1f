import type { MigrationIntent } from './migration-intent';

export interface TableRows {
  columns: string[];
  primaryKey: string[];
  rows: Array<Record<string, unknown>>;
}

export type IntegrityViolation =
  | { kind: 'table-missing'; table: string; rows: number }
  | { kind: 'column-missing'; table: string; column: string }
  | { kind: 'row-missing'; table: string; row: Record<string, unknown> }
  | { kind: 'value-changed'; table: string; key: Record<string, unknown>; columns: string[] }
  | { kind: 'column-recreated'; table: string; column: string; valuesLost: number };

export interface IntegrityResult {
  violations: IntegrityViolation[];
  /**
   * Values the migration loses by what it says it does: a column dropped and added again under
   * the same name (how Prisma changes a type it cannot cast). Reported, not failed: the SQL
   * drops the column, as the safety analysis (DS102) says.
   */
  lostValues: IntegrityViolation[];
  /** Why some values could not be compared (an opaque statement in the migration). */
  notCompared: string[];
}

/** Tables whose rows a DELETE may remove through ON DELETE CASCADE / SET NULL: child -> parents. */
export type CascadeMap = Map<string, Array<{ parent: string; columns: string[]; action: 'cascade' | 'set-null' }>>;

const MAX_VIOLATIONS_PER_TABLE = 5;

/**
 * Compare the rows before and after a migration. Every row must still be there with every value
 * the migration did not intend to change: columns it drops, retypes or updates, tables it drops,
 * rows it deletes (and what cascades from them) are exempt; renamed tables and columns are
 * followed.
 */
export function checkRowIntegrity(
  before: Map<string, TableRows>,
  after: Map<string, TableRows>,
  intent: MigrationIntent,
  cascades: CascadeMap = new Map(),
): IntegrityResult {
  const violations: IntegrityViolation[] = [];
  const lostValues: IntegrityViolation[] = [];
  const notCompared = intent.opaque.map((statement) => `values may be changed by: ${statement}`);
  // An opaque statement (a DO block, a function) may drop what the script does not name.
  const missing = (violation: Extract<IntegrityViolation, { kind: 'table-missing' | 'column-missing' }>) => {
    if (intent.opaque.length === 0) violations.push(violation);
    else
      notCompared.push(
        `${violation.kind === 'table-missing' ? `table ${violation.table}` : `column ${violation.table}.${violation.column}`} ` +
          `is gone, taken as dropped by an opaque statement`,
      );
  };
  const vanishing = closeOverCascades(intent.rowsMayVanish, cascades);

  for (const [table, rows] of before) {
    if (rows.rows.length === 0 || intent.droppedTables.has(table)) continue;
    const newName = intent.renamedTables.get(table) ?? table;
    const afterRows = after.get(newName);
    if (!afterRows) {
      missing({ kind: 'table-missing', table, rows: rows.rows.length });
      continue;
    }
    const dropped = intent.droppedColumns.get(table) ?? new Set<string>();
    const renamed = intent.renamedColumns.get(table) ?? new Map<string, string>();
    const changed = new Set([...(intent.changedColumns.get(table) ?? []), ...setNullColumns(table, intent.rowsMayVanish, cascades)]);
    const pairs: Array<[string, string]> = [];
    for (const column of rows.columns) {
      if (dropped.has(column)) {
        // Dropped and added again under the same name (how Prisma changes a type it cannot cast):
        // the migration meant to change the column, but its values are gone. A column renamed
        // into its place is a swap (expand/contract), checked through the rename instead.
        const swappedIn = [...renamed.values()].includes(column);
        if (afterRows.columns.includes(column) && !swappedIn && intent.opaque.length === 0) {
          const lost = countLostValues(rows, afterRows, column);
          if (lost > 0) lostValues.push({ kind: 'column-recreated', table, column, valuesLost: lost });
        }
        continue;
      }
      const target = renamed.get(column) ?? column;
      if (!afterRows.columns.includes(target)) {
        missing({ kind: 'column-missing', table, column });
      } else if (!changed.has(column)) {
        pairs.push([column, target]);
      }
    }
    if (intent.opaque.length > 0) continue;
    violations.push(...compareRows(table, rows, afterRows, pairs, vanishing.has(table)));
  }
  return { violations, lostValues, notCompared };
}

function compareRows(
  table: string,
  before: TableRows,
  after: TableRows,
  pairs: Array<[string, string]>,
  rowsMayVanish: boolean,
): IntegrityViolation[] {
  const project = (row: Record<string, unknown>, side: 0 | 1) => JSON.stringify(pairs.map((pair) => row[pair[side]] ?? null));
  const remaining = new Map<string, number>();
  for (const row of after.rows) {
    const key = project(row, 1);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const keyPairs = pairs.filter(([column]) => before.primaryKey.includes(column));
  const canMatchByKey = before.primaryKey.length > 0 && keyPairs.length === before.primaryKey.length;

  const violations: IntegrityViolation[] = [];
  for (const row of before.rows) {
    const key = project(row, 0);
    const count = remaining.get(key) ?? 0;
    if (count > 0) {
      remaining.set(key, count - 1);
      continue;
    }
    if (violations.length >= MAX_VIOLATIONS_PER_TABLE) break;
    const match = canMatchByKey
      ? after.rows.find((candidate) => keyPairs.every(([from, to]) => sameValue(candidate[to], row[from])))
      : undefined;
    if (match) {
      violations.push({
        kind: 'value-changed',
        table,
        key: Object.fromEntries(keyPairs.map(([from]) => [from, row[from]])),
        columns: pairs.filter(([from, to]) => !sameValue(match[to], row[from])).map(([from]) => from),
      });
    } else if (!rowsMayVanish) {
      violations.push({ kind: 'row-missing', table, row });
    }
  }
  return violations;
}

function countLostValues(before: TableRows, after: TableRows, column: string): number {
  const remaining = after.rows.map((row) => JSON.stringify(row[column] ?? null));
  let lost = 0;
  for (const row of before.rows) {
    const value = JSON.stringify(row[column] ?? null);
    if (value === 'null') continue;
    const index = remaining.indexOf(value);
    if (index >= 0) remaining.splice(index, 1);
    else lost++;
  }
  return lost;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function closeOverCascades(tables: Set<string>, cascades: CascadeMap): Set<string> {
  const closed = new Set(tables);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parents] of cascades) {
      if (!closed.has(child) && parents.some((p) => p.action === 'cascade' && closed.has(p.parent))) {
        closed.add(child);
        grew = true;
      }
    }
  }
  return closed;
}

function setNullColumns(table: string, vanishing: Set<string>, cascades: CascadeMap): string[] {
  const closed = closeOverCascades(vanishing, cascades);
  return (cascades.get(table) ?? []).filter((p) => p.action === 'set-null' && closed.has(p.parent)).flatMap((p) => p.columns);
}

export function describeViolation(violation: IntegrityViolation): string {
  switch (violation.kind) {
    case 'table-missing':
      return `table ${violation.table} is gone with its ${violation.rows} row(s), but the migration does not drop it`;
    case 'column-missing':
      return `column ${violation.table}.${violation.column} is gone, but the migration does not drop it`;
    case 'row-missing':
      return `a row of ${violation.table} is gone: ${truncate(JSON.stringify(violation.row))}`;
    case 'column-recreated':
      return (
        `column ${violation.table}.${violation.column} is dropped and added ` +
        `again: ${violation.valuesLost} value(s) are lost, as the migration says (change its type in ` +
        `place, with USING, to keep them)`
      );
    case 'value-changed':
      return `row ${JSON.stringify(violation.key)} of ${violation.table} changed in ${violation.columns.join(', ')}, which the migration does not update`;
  }
}

function truncate(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
