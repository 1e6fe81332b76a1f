import { quotedName } from './qualified-name';
import { quoteIdentifier, quoteLiteral } from './quote';
import type { SqlParser } from './parser';
import { readStatements, type Statement } from './statements';

type Rename = Extract<Statement, { kind: 'rename_relation' | 'rename_column' | 'rename_constraint' | 'rename_type' }>;

/**
 * The statements that undo a migration's renames, last rename first. A schema diff cannot tell a
 * rename from a drop and an add (it would drop the column with its values and add an empty one),
 * so a down script undoes renames by name before the diff takes care of the rest.
 */
export function inverseRenames(parser: SqlParser, sql: string): string[] {
  const inverses: string[] = [];
  const statements = readStatements(parser, sql);
  const replaced = replacedObjects(statements);
  for (const statement of statements) {
    if (statement.kind === 'rename_enum_value') {
      inverses.unshift(
        `ALTER TYPE ${quotedName(statement.type)} RENAME VALUE ${quoteLiteral(statement.to)} TO ${quoteLiteral(statement.from)};`,
      );
    } else if (isRename(statement) && !isPartOfReplacement(statement, replaced)) {
      inverses.unshift(inverseRename(statement));
    }
  }
  return inverses;
}

function isRename(statement: Statement): statement is Rename {
  return ['rename_relation', 'rename_column', 'rename_constraint', 'rename_type'].includes(statement.kind);
}

/**
 * Names of types and tables the script creates or drops: a rename from one it creates, or to one
 * it drops, belongs to replacing an object (Prisma recreates an enum as "E_new", renames the
 * old one to "E_old", the new one to "E", and drops "E_old"), which the schema diff undoes.
 */
function replacedObjects(statements: Statement[]): { created: Set<string>; dropped: Set<string> } {
  const created = new Set<string>();
  const dropped = new Set<string>();
  for (const statement of statements) {
    if (statement.kind === 'create_enum' && statement.type.name !== '?') created.add(statement.type.name);
    if (statement.kind === 'create_composite_type' && statement.type) created.add(statement.type.name);
    if (statement.kind === 'create_table') created.add(statement.table.name);
    if (statement.kind === 'drop') for (const { name } of statement.names) dropped.add(name);
    if (statement.kind === 'drop_trigger') for (const { name } of statement.triggers) dropped.add(name);
  }
  return { created, dropped };
}

function isPartOfReplacement(rename: Rename, replaced: { created: Set<string>; dropped: Set<string> }): boolean {
  const source = rename.kind === 'rename_relation' ? rename.name.name : rename.kind === 'rename_type' ? rename.type.name : undefined;
  return source !== undefined && (replaced.created.has(source) || replaced.dropped.has(rename.to));
}

function inverseRename(rename: Rename): string {
  switch (rename.kind) {
    case 'rename_relation':
      return `ALTER ${rename.relation} ${quotedName({ ...rename.name, name: rename.to })} RENAME TO ${quoteIdentifier(rename.name.name)};`;
    case 'rename_column':
      return `ALTER TABLE ${quotedName(rename.table)} RENAME COLUMN ${quoteIdentifier(rename.to)} TO ${quoteIdentifier(rename.column)};`;
    case 'rename_constraint':
      return `ALTER TABLE ${quotedName(rename.table)} RENAME CONSTRAINT ${quoteIdentifier(rename.to)} TO ${quoteIdentifier(rename.constraint)};`;
    case 'rename_type':
      return `ALTER TYPE ${quotedName({ ...rename.type, name: rename.to })} RENAME TO ${quoteIdentifier(rename.type.name)};`;
  }
}
