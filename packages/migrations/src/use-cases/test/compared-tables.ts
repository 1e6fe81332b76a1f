import type { SchemaFingerprint } from '../../core/fingerprint';
import type { MigrationIntent } from '../../core/migration-intent';
import type { TableModel } from '../shared/table-catalog';

/**
 * The tables whose rows a migration can change, so that only those are read and compared: the
 * tables it names and, through foreign keys, the tables referencing them (cascades). Every table
 * when the migration holds an opaque statement (a DO block, a function call) or the schema has
 * triggers, which reach tables the SQL does not name.
 */
export function tablesToCompare(
  tables: Map<string, TableModel>,
  named: ReadonlySet<string>,
  intent: MigrationIntent,
  schema: SchemaFingerprint,
): Map<string, TableModel> {
  const hasTriggers = Object.keys(schema.objects).some((key) => key.startsWith('trigger '));
  if (intent.opaque.length > 0 || hasTriggers) return tables;
  const compared = new Set([
    ...named,
    ...intent.droppedTables,
    ...intent.renamedTables.keys(),
    ...intent.droppedColumns.keys(),
    ...intent.renamedColumns.keys(),
    ...intent.changedColumns.keys(),
    ...intent.rowsMayVanish,
  ]);
  for (let grew = true; grew;) {
    grew = false;
    for (const table of tables.values()) {
      if (compared.has(table.key) || !table.foreignKeys.some((foreignKey) => compared.has(foreignKey.refTable))) continue;
      compared.add(table.key);
      grew = true;
    }
  }
  return new Map([...tables].filter(([key]) => compared.has(key)));
}
