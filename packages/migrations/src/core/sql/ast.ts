/**
 * The shapes of the libpg_query syntax-tree nodes the statement reader decodes (fields it does not
 * read are left out). Only `statements.ts` and its helpers read these.
 */
export interface RangeVar {
  schemaname?: string;
  relname: string;
}

export type NameList = Array<{ String?: { sval: string } }>;

export interface TypeNameNode {
  names?: NameList;
  typmods?: Array<{ A_Const?: { ival?: { ival?: number } } }>;
  arrayBounds?: unknown[];
}

export interface ColumnDefNode {
  colname: string;
  typeName?: TypeNameNode;
  constraints?: Array<{ Constraint: ConstraintNode }>;
  raw_default?: unknown;
}

export interface ConstraintNode {
  contype: string;
  conname?: string;
  skip_validation?: boolean;
  indexname?: string;
  keys?: NameList;
  fk_attrs?: NameList;
  pktable?: RangeVar;
  pk_attrs?: NameList;
  raw_expr?: unknown;
}

export interface AlterTableCmdNode {
  subtype: string;
  name?: string;
  def?: { ColumnDef?: ColumnDefNode; Constraint?: ConstraintNode };
}

export interface DropObjectNode {
  List?: { items: NameList };
  TypeName?: { names: NameList };
}

export interface ConstNode {
  TypeCast?: { arg: unknown };
  A_Const?: {
    isnull?: boolean;
    sval?: { sval: string };
    ival?: { ival?: number };
    fval?: { fval: string };
    boolval?: { boolval?: boolean };
  };
}

export type Targets = Array<{ ResTarget?: { name?: string } }>;

/** The fields of the statement bodies read, all optional: each statement kind has some of them. */
export interface StatementBody {
  relation?: RangeVar;
  relations?: Array<{ RangeVar: RangeVar }>;
  into?: { rel?: RangeVar };
  typevar?: RangeVar;
  tableElts?: Array<{ ColumnDef?: ColumnDefNode }>;
  cmds?: Array<{ AlterTableCmd?: AlterTableCmdNode }>;
  objects?: DropObjectNode[];
  object?: { List?: { items: NameList } };
  objectType?: string;
  removeType?: string;
  renameType?: string;
  behavior?: string;
  concurrent?: boolean;
  unique?: boolean;
  idxname?: string;
  indexParams?: Array<{ IndexElem?: { name?: string } }>;
  trigname?: string;
  subname?: string;
  newname?: string;
  newschema?: string;
  typeName?: NameList;
  vals?: NameList;
  newVal?: string;
  oldVal?: string;
  whereClause?: unknown;
  targetList?: Targets;
  cols?: Targets;
  selectStmt?: { SelectStmt?: { valuesLists?: Array<{ List?: { items?: unknown[] } }> } };
  onConflictClause?: unknown;
  name?: string;
  kind?: string;
  extname?: string;
  params?: Array<{ DefElem?: { defname?: string } }>;
  args?: Array<{ DefElem?: { defname?: string; arg?: { String?: { sval?: string } } } }>;
}
