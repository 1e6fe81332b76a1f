import { canonicalSqlType, isSafeCast } from '../../sql/prisma-types';
import { onExistingTable, type Rule } from '../rule';

export const castCanFail: Rule = {
  code: 'DD103',
  family: 'data-dependent',
  severity: 'warning',
  title: 'A cast that can fail on some rows',
  doc: {
    problem:
      'A type change applies a cast to every value; whether every value converts (text to integer, to an enum, to a shorter varchar) depends on the data.',
    solution:
      'Check the values first (SELECT ... WHERE NOT (value ~ pattern)), give an explicit USING that ' +
      'handles the exceptions, or use expand/contract so that bad rows are found before the swap.',
  },
  check: (operation, context) => {
    if (operation.kind !== 'alter_column_type' || !onExistingTable(operation, context)) return undefined;
    const before = context.columnType(operation.table, operation.column);
    if (before && isSafeCast(canonicalSqlType(before), operation.type)) return undefined;
    return (
      `casts every value of ${operation.table}.${operation.column} ` +
      `to ${operation.type}${before ? ` from ${before}` : ''}; a value that does not convert fails ` +
      `the migration`
    );
  },
};
