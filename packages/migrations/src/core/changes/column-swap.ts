import { columnName, type Datamodel, findField, findModel, tableName } from '../schema/datamodel';
import { isSafeCast, sqlType } from '../sql/prisma-types';
import type { Change } from './change';
import { nativeTypeAttribute } from './handlers/field-spec';

/**
 * A column whose type changes by a cast that may fail or lose data, done expand/contract: a new
 * column of the new type (expand), the data copied into it in batches while a trigger keeps
 * writes in step, then the swap (contract).
 */
export interface ColumnSwap {
  model: string;
  table: string;
  field: string;
  column: string;
  /** The new column's field and column names while both exist. */
  tempField: string;
  tempColumn: string;
  fromSql: string;
  toSql: string;
  /** The conversion, over the old column. */
  using: string;
}

const SUFFIX = '__forge_new';

/**
 * Split changes into what the expand migration does (everything, with each unsafe type change
 * replaced by the addition of its new column) and the swaps the contract migration finishes.
 */
export function splitUnsafeTypeChanges(datamodel: Datamodel, changes: Change[]): { expand: Change[]; swaps: ColumnSwap[] } {
  const swaps: ColumnSwap[] = [];
  const enums = datamodel.enums.map((e) => e.name);
  const expand = changes.map((change): Change => {
    if (change.kind !== 'modify_column' || (change.type === undefined && change.nativeType === undefined)) return change;
    const model = findModel(datamodel, change.target);
    const field = model && findField(model, change.column);
    if (!model || !field || field.kind === 'object') return change; // the handler reports it
    const oldType = `${field.type}${field.isList ? '[]' : ''}`;
    const type = change.type ?? oldType;
    const native = change.nativeType ? nativeTypeAttribute(change.nativeType) : undefined;
    const fromSql = sqlType(oldType, field.nativeType, enums);
    const toSql = sqlType(type, native ? [native.name.replace(/^db\./, ''), native.args] : change.type ? null : field.nativeType, enums);
    if (isSafeCast(fromSql, toSql)) return change;
    const column = columnName(field);
    const swap: ColumnSwap = {
      model: model.name,
      table: tableName(model),
      field: field.name,
      column,
      tempField: `${field.name}${SUFFIX}`,
      tempColumn: `${column}${SUFFIX}`,
      fromSql,
      toSql,
      using: change.using ?? `"${column.replace(/"/g, '""')}"::${toSql}`,
    };
    swaps.push(swap);
    return {
      kind: 'add_column',
      target: model.name,
      columns: [
        {
          name: swap.tempField,
          type,
          optional: true,
          unique: false,
          map: column === field.name ? undefined : swap.tempColumn,
          nativeType: change.nativeType,
        },
      ],
    };
  });
  return { expand, swaps };
}
