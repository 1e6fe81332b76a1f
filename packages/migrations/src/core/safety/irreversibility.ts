import { parseScript, statementBody, statementKind } from '../sql/parser';
import type { Finding } from './analyze';

interface RangeVar {
  relname?: string;
}

const DATA_STATEMENTS: Record<string, string> = {
  InsertStmt: 'inserts rows into',
  UpdateStmt: 'updates rows of',
  DeleteStmt: 'deletes rows of',
  MergeStmt: 'merges rows into',
  CopyStmt: 'copies rows into',
};

interface StatementBody {
  relation?: RangeVar;
  relations?: Array<{ RangeVar: RangeVar }>;
  cmds?: Array<{ AlterTableCmd?: { subtype: string; def?: { ColumnDef?: { colname: string } } } }>;
  targetList?: Array<{ ResTarget?: { name?: string } }>;
}

/**
 * Why a migration cannot be undone from the schema alone, or nothing when it can: what it does
 * to existing data (its destructive findings, data statements on tables it did not create) and
 * statements whose effect cannot be read from the script (DO blocks, procedure and function
 * calls). Rows of a table the migration creates go away with the table, and values it writes
 * into columns it adds go away with the columns, so they do not count.
 */
export function irreversibleReasons(sql: string, findings: readonly Finding[]): string[] {
  const reasons = findings.filter((finding) => finding.family === 'destructive').map((finding) => `${finding.code}: ${finding.message}`);
  const created = new Set<string>();
  const addedColumns = new Set<string>();
  parseScript(sql).forEach((statement, index) => {
    const kind = statementKind(statement);
    const body = statementBody<StatementBody>(statement);
    const line = `statement ${index + 1}`;
    const table = body.relation?.relname;
    if (kind === 'CreateStmt' || kind === 'CreateTableAsStmt') {
      const relation = body.relation ?? (body as { into?: { rel?: RangeVar } }).into?.rel;
      if (relation?.relname) created.add(relation.relname);
      return;
    }
    if (kind === 'AlterTableStmt') {
      for (const { AlterTableCmd: cmd } of body.cmds ?? []) {
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) addedColumns.add(`${table}.${cmd.def.ColumnDef.colname}`);
      }
    }
    if (findings.some((finding) => finding.family === 'destructive' && finding.statement === index + 1)) return;
    const onlyAddedColumns = kind === 'UpdateStmt' && (body.targetList ?? []).every((target) => addedColumns.has(`${table}.${target.ResTarget?.name}`));
    if (kind in DATA_STATEMENTS && table && !created.has(table) && !onlyAddedColumns) {
      reasons.push(`${line} ${DATA_STATEMENTS[kind]} the existing table ${table}`);
    } else if (kind === 'TruncateStmt') {
      const tables = (body.relations ?? []).map(({ RangeVar: relation }) => relation.relname).filter((name) => name && !created.has(name));
      if (tables.length) reasons.push(`${line} empties the existing table${tables.length > 1 ? 's' : ''} ${tables.join(', ')}`);
    } else if (kind === 'DoStmt' || kind === 'CallStmt') {
      reasons.push(`${line} runs code whose effect cannot be read from the script (${kind === 'DoStmt' ? 'a DO block' : 'CALL'})`);
    } else if (kind === 'SelectStmt' && JSON.stringify(body).includes('"FuncCall"')) {
      reasons.push(`${line} calls a function, which may change data: ${statement.text.split('\n')[0].slice(0, 80)}`);
    }
  });
  return reasons;
}
