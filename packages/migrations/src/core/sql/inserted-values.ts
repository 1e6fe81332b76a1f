import type { ConstNode, StatementBody } from './ast';
import { quoteLiteral } from './quote';

/** What an INSERT puts in: its column list and, for `INSERT ... VALUES`, each row's values. */
export interface InsertedValues {
  /** The column list as written ('' where a target has no name); empty without one. */
  columns: string[];
  onConflict: boolean;
  /** Each row's values as SQL literals (undefined where a value is not a constant); undefined for rows from a query. */
  rows?: Array<Array<string | undefined>>;
}

export function insertedValues(body: StatementBody): InsertedValues {
  const values = body.selectStmt?.SelectStmt?.valuesLists;
  return {
    columns: (body.cols ?? []).map((column) => column.ResTarget?.name ?? ''),
    onConflict: Boolean(body.onConflictClause),
    rows: values?.length ? values.map((list) => (list.List?.items ?? []).map(constantText)) : undefined,
  };
}

/** A constant as an untyped SQL literal (PostgreSQL gives it the column's type when compared). */
function constantText(node: unknown): string | undefined {
  const value = node as ConstNode;
  if (value.TypeCast) return constantText(value.TypeCast.arg);
  const constant = value.A_Const;
  if (!constant || constant.isnull) return undefined;
  // An ival or boolval without its value is PostgreSQL's 0 or false.
  const zero = constant.ival ? 0 : constant.boolval ? false : undefined;
  const text = constant.sval?.sval ?? constant.ival?.ival ?? constant.fval?.fval ?? constant.boolval?.boolval ?? zero;
  return text === undefined ? undefined : quoteLiteral(String(text));
}
