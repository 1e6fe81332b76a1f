import { columnName, type Datamodel, tableName } from '../../core/schema/datamodel';
import { sqlType } from '../../core/sql/prisma-types';

/** The SQL type of a column (by table and column name) in a datamodel. */
export function columnTypeIn(datamodel: Datamodel): (table: string, column: string) => string | undefined {
  const enums = datamodel.enums.map((e) => e.name);
  return (table, column) => {
    const model = datamodel.models.find((m) => tableName(m) === table);
    const field = model?.fields.find((f) => columnName(f) === column && f.kind !== 'object');
    return field ? sqlType(`${field.type}${field.isList ? '[]' : ''}`, field.nativeType, enums) : undefined;
  };
}

/** The database values of an enum type (by its name) in a datamodel. */
export function enumValuesIn(datamodel: Datamodel): (type: string) => string[] | undefined {
  return (type) => datamodel.enums.find((e) => e.name === type)?.values.map((v) => v.dbName ?? v.name);
}
