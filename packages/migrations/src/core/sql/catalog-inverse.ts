import type { SchemaFingerprint } from '../fingerprint';
import { splitQualified, unquoteIdentifier } from './quote';

/**
 * The SQL that takes a database's catalog from `after` back to `before` for the objects Prisma's
 * engine does not model: functions, triggers, policies, views, extensions, CHECK constraints,
 * UNIQUE and EXCLUDE constraints (the engine knows unique indexes only) and row-level security.
 * Objects are dropped before the engine's diff (which may drop the tables they hang on) and
 * re-created after it (the tables exist again by then); extensions the other way round, since the
 * tables' columns may use their types.
 */
export interface CatalogInverse {
  /** First: drops of what the migration made, re-created extensions. */
  beforeDiff: string[];
  /** Before the diff, once the migration's renames are undone: columns converted back, indexes built back. */
  afterRenames: string[];
  afterDiff: string[];
}

type DropOnlyKind = 'column' | 'table' | 'schema';
type Kind =
  | 'function'
  | 'procedure'
  | 'trigger'
  | 'policy'
  | 'view'
  | 'materialized view'
  | 'extension'
  | 'check'
  | 'unique'
  | 'rls'
  | 'index'
  | DropOnlyKind;

/** Kinds handled here only in a schema the engine does not manage, and only when the migration made them. */
function isDropOnly(kind: Kind): kind is DropOnlyKind {
  return kind === 'column' || kind === 'table' || kind === 'schema';
}

const POLICY_COMMANDS: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

/**
 * Dependents first: triggers and policies hang on functions and tables, views and CHECKs may call
 * functions, columns' defaults too; tables go before their schema.
 */
const DROP_ORDER: Record<Kind, number> = {
  trigger: 0,
  policy: 0,
  'materialized view': 1,
  view: 1,
  check: 2,
  unique: 2,
  rls: 2,
  index: 2,
  column: 3,
  function: 4,
  procedure: 4,
  table: 5,
  schema: 6,
  extension: 7,
};

/**
 * `managedSchemas`: the schemas the engine diffs (the datasource's `schemas`, else `public`).
 * Indexes the engine may not build back as they were (see ENGINE_INDEX), and tables, columns and
 * indexes a migration adds to another schema, are handled here too.
 */
export function catalogInverse(
  before: SchemaFingerprint,
  after: SchemaFingerprint,
  managedSchemas: readonly string[] = ['public'],
): CatalogInverse {
  return inverse(before, after, new Set(managedSchemas), () => true);
}

/** The same for indexes alone: for a down whose other parts come from elsewhere (the generator's change plan). */
export function indexInverse(
  before: SchemaFingerprint,
  after: SchemaFingerprint,
  managedSchemas: readonly string[] = ['public'],
): CatalogInverse {
  return inverse(before, after, new Set(managedSchemas), (kind) => kind === 'index');
}

function inverse(
  before: SchemaFingerprint,
  after: SchemaFingerprint,
  managed: ReadonlySet<string>,
  handles: (kind: Kind) => boolean,
): CatalogInverse {
  const constraintIndexes = new Set(
    [...Object.keys(before.objects), ...Object.keys(after.objects)].flatMap((key) => {
      const name = /^constraint (.+)$/.exec(key)?.[1];
      if (!name) return [];
      const [schema, , constraint] = splitQualified(name);
      return [`index ${schema}.${constraint}`];
    }),
  );
  const kindIn = (key: string, definition: string) => {
    const kind = constraintIndexes.has(key) ? undefined : kindOf(key, definition, managed);
    return kind && handles(kind) ? kind : undefined;
  };
  const drops: Array<[Kind, string]> = [];
  const creates: Array<[Kind, string]> = [];
  /** Indexes back before the diff: its re-creation of an index it cannot express may not even run. */
  const earlyCreates: string[] = [];
  for (const [key, definition] of Object.entries(after.objects)) {
    const kind = kindIn(key, definition);
    if (kind && kind !== 'rls' && before.objects[key] !== definition && !(isDropOnly(kind) && key in before.objects))
      drops.push([kind, dropStatement(kind, key)]);
  }
  for (const [key, definition] of Object.entries(before.objects)) {
    const kind = kindIn(key, definition);
    const current = after.objects[key];
    if (!kind || isDropOnly(kind) || current === definition) continue;
    if (kind === 'rls')
      creates.push(...rlsStatements(key, definition, current ?? '').map((statement): [Kind, string] => ['rls', statement]));
    else if (kind === 'index' && indexSurvives(definition, after)) earlyCreates.push(createStatement(kind, key, definition));
    else creates.push([kind, createStatement(kind, key, definition)]);
  }

  drops.sort(([a], [b]) => DROP_ORDER[a] - DROP_ORDER[b]);
  creates.sort(([a], [b]) => DROP_ORDER[b] - DROP_ORDER[a]);
  const isExtension = ([kind]: [Kind, string]) => kind === 'extension';
  const sql = ([, statement]: [Kind, string]) => statement;
  return {
    beforeDiff: [...creates.filter(isExtension), ...drops.filter((entry) => !isExtension(entry))].map(sql),
    afterRenames: [...(handles('column') ? retypedColumns(before, after, managed) : []), ...earlyCreates],
    afterDiff: [...creates.filter((entry) => !isExtension(entry)), ...drops.filter(isExtension)].map(sql),
  };
}

/**
 * Columns of the engine's schemas whose type the migration changed, converted back in place:
 * the engine's diff would drop and add them (losing their values) for a change it finds unsafe.
 */
function retypedColumns(before: SchemaFingerprint, after: SchemaFingerprint, managed: ReadonlySet<string>): string[] {
  const statements: string[] = [];
  for (const [key, definition] of Object.entries(before.objects)) {
    const name = /^column (.+)$/.exec(key)?.[1];
    const current = after.objects[key];
    if (!name || current === undefined) continue;
    const [schema, table, column] = splitQualified(name);
    const type = columnType(definition);
    if (!managed.has(unquoteIdentifier(schema)) || type === columnType(current)) continue;
    statements.push(`ALTER TABLE ${schema}.${table} ALTER COLUMN ${column} SET DATA TYPE ${type} USING (${column}::${type});`);
  }
  return statements;
}

/** The type of a column's fingerprint definition: what comes before NOT NULL, identity, default and collation. */
function columnType(definition: string): string {
  return /^(.+?)(?= not null| generated | default | collate |$)/.exec(definition)?.[1] ?? definition;
}

/**
 * A B-tree index over plain columns (each maybe DESC, NULLS FIRST or LAST), as `@@index` and
 * `@@unique` make them: the engine's diff builds those back. Others (another access method, an
 * operator class, an expression, INCLUDE, storage options, a WHERE predicate) are rebuilt here,
 * exactly as they were.
 */
const ENGINE_INDEX =
  /^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING btree \(((?:"(?:[^"]|"")+"|\w+)(?: DESC)?(?: NULLS (?:FIRST|LAST))?(?:, |\)$))+$/;

/** Whether an index's table and every column it names are there after the migration, so that it can be rebuilt before the diff. */
function indexSurvives(definition: string, after: SchemaFingerprint): boolean {
  const match = /^CREATE (?:UNIQUE )?INDEX \S+ ON (\S+) USING \w+ \((.*)\)/.exec(definition);
  if (!match || !(`table ${match[1]}` in after.objects)) return false;
  const columns = match[2].split(', ').map((entry) => /^("(?:[^"]|"")+"|\w+)(?: |$)/.exec(entry)?.[1]);
  return columns.every((column) => column !== undefined && `column ${match[1]}.${column}` in after.objects);
}

function kindOf(key: string, definition: string, managed: ReadonlySet<string>): Kind | undefined {
  const prefix = /^(function|procedure|trigger|policy|view|materialized view|extension|constraint|table|index|column|schema) /.exec(
    key,
  )?.[1];
  if (!prefix) return undefined;
  const inManaged = managed.has(unquoteIdentifier(splitQualified(body(key))[0]));
  switch (prefix) {
    case 'constraint':
      return /^CHECK /.test(definition) ? 'check' : /^(UNIQUE|EXCLUDE) /.test(definition) ? 'unique' : undefined;
    case 'table':
      return inManaged ? 'rls' : 'table';
    case 'index':
      return !inManaged || !ENGINE_INDEX.test(definition) ? 'index' : undefined;
    case 'column':
    case 'schema':
      return inManaged ? undefined : prefix;
    default:
      return prefix as Kind;
  }
}

function body(key: string): string {
  return key.replace(/^(function|procedure|trigger|policy|materialized view|view|extension|constraint|table|index|column|schema) /, '');
}

function dropStatement(kind: Exclude<Kind, 'rls'>, key: string): string {
  const name = body(key);
  switch (kind) {
    case 'index':
      return `DROP INDEX IF EXISTS ${name};`;
    case 'column': {
      const [schema, table, column] = splitQualified(name);
      return `ALTER TABLE ${schema}.${table} DROP COLUMN IF EXISTS ${column};`;
    }
    case 'table':
      return `DROP TABLE IF EXISTS ${name};`;
    case 'schema':
      return `DROP SCHEMA IF EXISTS ${name};`;
    case 'function':
      return `DROP FUNCTION IF EXISTS ${name};`;
    case 'procedure':
      return `DROP PROCEDURE IF EXISTS ${name};`;
    case 'trigger':
    case 'policy': {
      const [schema, table, object] = splitQualified(name);
      return `DROP ${kind.toUpperCase()} IF EXISTS ${object} ON ${schema}.${table};`;
    }
    case 'view':
      return `DROP VIEW IF EXISTS ${name};`;
    case 'materialized view':
      return `DROP MATERIALIZED VIEW IF EXISTS ${name};`;
    case 'extension':
      return `DROP EXTENSION IF EXISTS ${name};`;
    case 'check':
    case 'unique': {
      const [schema, table, constraint] = splitQualified(name);
      return `ALTER TABLE ${schema}.${table} DROP CONSTRAINT IF EXISTS ${constraint};`;
    }
  }
}

function createStatement(kind: Exclude<Kind, 'rls' | DropOnlyKind>, key: string, definition: string): string {
  const name = body(key);
  switch (kind) {
    case 'index':
      // The engine's diff may have built it without what it cannot express.
      return `DROP INDEX IF EXISTS ${name};\n${definition};`;
    case 'function':
    case 'procedure':
      return `${definition.trim()};`;
    case 'trigger': {
      const disabled = definition.endsWith(' (disabled)');
      const [schema, table, trigger] = splitQualified(name);
      const create = `${definition.replace(/ \(disabled\)$/, '')};`;
      return disabled ? `${create}\nALTER TABLE ${schema}.${table} DISABLE TRIGGER ${trigger};` : create;
    }
    case 'policy': {
      const [schema, table, policy] = splitQualified(name);
      const match = /^(permissive|restrictive) for (\S) to (.+?)(?: using \((.*)\))?(?: with check \((.*)\))?$/s.exec(definition);
      if (!match) return `-- cannot re-create policy ${name} from: ${definition}`;
      const [, mode, command, roles, using, check] = match;
      return [
        `CREATE POLICY ${policy} ON ${schema}.${table} AS ${mode.toUpperCase()} FOR ${POLICY_COMMANDS[command] ?? 'ALL'} TO ${roles}`,
        using !== undefined ? ` USING (${using})` : '',
        check !== undefined ? ` WITH CHECK (${check})` : '',
        ';',
      ].join('');
    }
    case 'view':
      return `CREATE VIEW ${name} AS ${definition.trim().replace(/;$/, '')};`;
    case 'materialized view':
      return `CREATE MATERIALIZED VIEW ${name} AS ${definition.trim().replace(/;$/, '')};`;
    case 'extension':
      return `CREATE EXTENSION IF NOT EXISTS ${name} ${definition.replace(/^in schema /, 'SCHEMA ')};`;
    case 'check': {
      const [schema, table, constraint] = splitQualified(name);
      return `ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${constraint} ${definition.replace(/ not valid$/, ' NOT VALID')};`;
    }
    case 'unique': {
      // The engine's diff re-creates a unique constraint as a unique index of the same name.
      const [schema, table, constraint] = splitQualified(name);
      return `DROP INDEX IF EXISTS ${schema}.${constraint};\nALTER TABLE ${schema}.${table} ADD CONSTRAINT ${constraint} ${definition};`;
    }
  }
}

function rlsStatements(key: string, before: string, after: string): string[] {
  const table = body(key);
  const statements: string[] = [];
  const enabled = (definition: string) => /\brow level security\b/.test(definition);
  const forced = (definition: string) => /\bforced\b/.test(definition);
  if (enabled(before) !== enabled(after))
    statements.push(`ALTER TABLE ${table} ${enabled(before) ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`);
  if (forced(before) !== forced(after))
    statements.push(`ALTER TABLE ${table} ${forced(before) ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`);
  return statements;
}
