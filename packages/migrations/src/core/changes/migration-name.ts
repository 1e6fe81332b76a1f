import { snakeCase } from '../migration-folders';
import type { Change } from './change';

/** A descriptive snake_case name for a migration, e.g. `add_column_user_preferences`. */
export function deriveMigrationName(changes: Change[]): string {
  const parts = changes.map(describeChange);
  const name = parts.length > 2 ? `${parts.slice(0, 2).join('_and_')}_and_more` : parts.join('_and_');
  return snakeCase(name).slice(0, 120) || 'migration';
}

function describeChange(change: Change): string {
  switch (change.kind) {
    case 'add_column':
    case 'remove_column':
      return [change.kind, change.target, ...change.columns.map((column) => (typeof column === 'string' ? column : column.name))].join('_');
    case 'modify_column':
      return `modify_column_${change.target}_${change.column}`;
    case 'add_index':
      return `add_${change.unique ? 'unique_' : ''}index_${change.target}_${change.columns.join('_')}`;
    case 'remove_index':
      return `remove_index_${change.target}_${change.name ?? change.columns?.join('_')}`;
    case 'add_table':
    case 'remove_table':
      return `${change.kind}_${change.target}`;
    case 'add_relation':
    case 'remove_relation':
      return `${change.kind}_${change.target}_${change.field}`;
    case 'rename_column':
      return `rename_${change.target}_${change.column}_to_${change.to}`;
    case 'rename_table':
      return `rename_${change.target}_to_${change.to}`;
    case 'sql':
      return 'sql';
  }
}
