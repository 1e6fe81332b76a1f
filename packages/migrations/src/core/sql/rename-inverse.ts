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
  const statements = parseScript(sql);
  const replaced = replacedObjects(statements);
  for (const statement of statements) {
    const kind = statementKind(statement);
    if (kind === 'RenameStmt') {
      const rename = statementBody<RenameStmt>(statement);
      if (isPartOfReplacement(rename, replaced)) continue;
      const inverse = inverseRename(rename);
      if (inverse) inverses.unshift(inverse);
    } else if (kind === 'AlterEnumStmt') {
      const body = statementBody<{ typeName: Array<{ String: { sval: string } }>; oldVal?: string; newVal: string }>(statement);
      if (body.oldVal) inverses.unshift(`ALTER TYPE ${qualified(body.typeName.map((part) => part.String.sval))} RENAME VALUE ${quoteLiteral(body.newVal)} TO ${quoteLiteral(body.oldVal)};`);
    }
  }
  return inverses;
}

/**
 * Names of types and tables the script creates or drops: a rename from one it creates, or to one
 * it drops, belongs to replacing an object (Prisma recreates an enum as "E_new", renames the
 * old one to "E_old", the new one to "E", and drops "E_old"), which the schema diff undoes.
 */
function replacedObjects(statements: ReturnType<typeof parseScript>): { created: Set<string>; dropped: Set<string> } {
  type Names = Array<{ String?: { sval: string } }>;
  const last = (names: Names | undefined) => names?.at(-1)?.String?.sval;
  const created = new Set<string>();
  const dropped = new Set<string>();
  for (const statement of statements) {
    const kind = statementKind(statement);
    const body = statementBody<{ typeName?: Names; typevar?: RangeVar; relation?: RangeVar; objects?: Array<{ List?: { items: Names }; TypeName?: { names: Names } }> }>(statement);
    const made = kind === 'CreateEnumStmt' ? last(body.typeName) : kind === 'CompositeTypeStmt' ? body.typevar?.relname : kind === 'CreateStmt' ? body.relation?.relname : undefined;
    if (made) created.add(made);
    if (kind !== 'DropStmt') continue;
    for (const object of body.objects ?? []) {
      const name = last(object.List?.items ?? object.TypeName?.names);
      if (name) dropped.add(name);
    }
  }
  return { created, dropped };
}

function isPartOfReplacement(rename: RenameStmt, replaced: { created: Set<string>; dropped: Set<string> }): boolean {
  if (rename.renameType !== 'OBJECT_TYPE' && !RENAMED_RELATIONS[rename.renameType]) return false;
  const source = rename.relation?.relname ?? rename.object?.List?.items.at(-1)?.String?.sval;
  return (source !== undefined && replaced.created.has(source)) || replaced.dropped.has(rename.newname);
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
