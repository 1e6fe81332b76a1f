import { parseScript, statementBody, statementKind } from './parser';
import { quoteIdentifier, quoteLiteral } from './quote';

interface RangeVar {
  schemaname?: string;
  relname: string;
}

interface RenameStmt {
  renameType: string;
  relation?: RangeVar;
  object?: { List?: { items: Array<{ String?: { sval: string } }> } };
  subname?: string;
  newname: string;
}

const RENAMED_RELATIONS: Record<string, string> = { OBJECT_TABLE: 'TABLE', OBJECT_INDEX: 'INDEX', OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW' };

/**
 * The statements that undo a migration's renames, last rename first. A schema diff cannot tell a
 * rename from a drop and an add (it would drop the column with its values and add an empty one),
 * so a down script undoes renames by name before the diff takes care of the rest.
 */
export function inverseRenames(sql: string): string[] {
  const inverses: string[] = [];
  for (const statement of parseScript(sql)) {
    const kind = statementKind(statement);
    if (kind === 'RenameStmt') {
      const inverse = inverseRename(statementBody<RenameStmt>(statement));
      if (inverse) inverses.unshift(inverse);
    } else if (kind === 'AlterEnumStmt') {
      const body = statementBody<{ typeName: Array<{ String: { sval: string } }>; oldVal?: string; newVal: string }>(statement);
      if (body.oldVal) inverses.unshift(`ALTER TYPE ${qualified(body.typeName.map((part) => part.String.sval))} RENAME VALUE ${quoteLiteral(body.newVal)} TO ${quoteLiteral(body.oldVal)};`);
    }
  }
  return inverses;
}

function inverseRename(rename: RenameStmt): string | undefined {
  const relation = rename.relation;
  const relationKind = RENAMED_RELATIONS[rename.renameType];
  if (relationKind && relation) {
    return `ALTER ${relationKind} ${qualified([relation.schemaname, rename.newname])} RENAME TO ${quoteIdentifier(relation.relname)};`;
  }
  if (rename.renameType === 'OBJECT_COLUMN' && relation && rename.subname) {
    return `ALTER TABLE ${qualified([relation.schemaname, relation.relname])} RENAME COLUMN ${quoteIdentifier(rename.newname)} TO ${quoteIdentifier(rename.subname)};`;
  }
  if (rename.renameType === 'OBJECT_TABCONSTRAINT' && relation && rename.subname) {
    return `ALTER TABLE ${qualified([relation.schemaname, relation.relname])} RENAME CONSTRAINT ${quoteIdentifier(rename.newname)} TO ${quoteIdentifier(rename.subname)};`;
  }
  if (rename.renameType === 'OBJECT_TYPE' && rename.object?.List) {
    const names = rename.object.List.items.map((item) => item.String?.sval ?? '');
    return `ALTER TYPE ${qualified([...names.slice(0, -1), rename.newname])} RENAME TO ${quoteIdentifier(names[names.length - 1])};`;
  }
  return undefined;
}

function qualified(parts: Array<string | undefined>): string {
  return parts.filter((part): part is string => Boolean(part)).map(quoteIdentifier).join('.');
}
