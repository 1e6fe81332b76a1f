import type { TypeChange } from '../changes/change-plan';
import { quoteIdentifier } from './quote';

/** `ALTER TABLE ... ALTER COLUMN ... SET DATA TYPE ... USING ...`: a type change in place. */
export function alterColumnType(change: TypeChange, direction: 'up' | 'down'): string {
  const table = quoteIdentifier(change.table);
  const column = quoteIdentifier(change.column);
  const target = direction === 'up' ? change.toSql : change.fromSql;
  const using = direction === 'up' && change.using ? change.using : `${column}::${target}`;
  return `ALTER TABLE ${table} ALTER COLUMN ${column} SET DATA TYPE ${target} USING (${using});`;
}
