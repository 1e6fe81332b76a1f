import { canonicalSqlType, isSafeCast } from '../../sql/prisma-types';
import { onExistingTable, type Rule } from '../rule';

export const lossyTypeChange: Rule = {
  code: 'DS104',
  family: 'destructive',
  severity: 'error',
  title: 'A type change that can truncate or fail',
  doc: {
    problem:
      'Converting a column to a narrower or different type (e.g. text to integer, varchar(100) to ' +
      'varchar(20), bigint to integer) fails on values that do not fit, or changes them (rounding, ' +
      'truncation).',
    solution:
      'Use the expand/contract path: add a column of the new type, copy the values in batches with ' +
      'an explicit conversion (the generator does this for you), check them, then swap.',
  },
  check: (operation, context) => {
    if (operation.kind !== 'alter_column_type' || !onExistingTable(operation, context)) return undefined;
    const before = context.columnType(operation.table, operation.column);
    if (!before || isSafeCast(canonicalSqlType(before), operation.type)) return undefined;
    return `converts ${operation.table}.${operation.column} from ${before} to ${operation.type}, which not every value survives`;
  },
};
