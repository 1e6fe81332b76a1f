import type { Located } from './operations';

/**
 * The column types and enum values a history has built so far, read from its own statements
 * (no database): what the rules need to know about the schema before a migration, e.g. that a
 * type change narrows `text` to `varchar(20)`. What the statements do not say stays unknown.
 */
export class KnownSchema {
  private readonly columns = new Map<string, Map<string, string>>();
  private readonly enums = new Map<string, string[]>();

  columnType = (table: string, column: string): string | undefined => this.columns.get(table)?.get(column);

  enumValues = (type: string): string[] | undefined => this.enums.get(type);

  /** Take in the effect of a migration's operations, in order. */
  apply(operations: readonly Located[]): void {
    for (const { operation } of operations) {
      switch (operation.kind) {
        case 'create_table':
          this.columns.set(operation.table, new Map(operation.columns.map(({ column, type }) => [column, type])));
          break;
        case 'drop_table':
          this.columns.delete(operation.table);
          break;
        case 'rename_table':
          this.move(this.columns, operation.table, operation.to);
          break;
        case 'add_column':
        case 'alter_column_type':
          this.columns.get(operation.table)?.set(operation.column, operation.type);
          break;
        case 'drop_column':
          this.columns.get(operation.table)?.delete(operation.column);
          break;
        case 'rename_column': {
          const table = this.columns.get(operation.table);
          if (table) this.move(table, operation.column, operation.to);
          break;
        }
        case 'create_enum':
          this.enums.set(operation.type, [...operation.values]);
          break;
        case 'add_enum_value':
          this.enums.get(operation.type)?.push(operation.value);
          break;
        case 'drop_type':
          this.enums.delete(operation.type);
          break;
        case 'rename_type':
          this.move(this.enums, operation.type, operation.to);
          break;
        default:
          break;
      }
    }
  }

  private move<V>(map: Map<string, V>, from: string, to: string): void {
    const value = map.get(from);
    if (value === undefined) return;
    map.delete(from);
    map.set(to, value);
  }
}
