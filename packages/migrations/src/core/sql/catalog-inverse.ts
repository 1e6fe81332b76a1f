import type { SchemaFingerprint } from '../fingerprint';

/**
 * The SQL that takes a database's catalog from `after` back to `before` for the objects Prisma's
 * engine does not model: functions, triggers, policies, views, extensions, CHECK constraints and
 * row-level security. Objects are dropped before the engine's diff (which may drop the tables
 * they hang on) and re-created after it (the tables exist again by then); extensions the other
 * way round, since the tables' columns may use their types.
 */
export interface CatalogInverse {
  beforeDiff: string[];
  afterDiff: string[];
}

type Kind = 'function' | 'procedure' | 'trigger' | 'policy' | 'view' | 'materialized view' | 'extension' | 'check' | 'rls';

const POLICY_COMMANDS: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

/** Dependents first: triggers and policies hang on functions and tables, views and CHECKs may call functions. */
const DROP_ORDER: Record<Kind, number> = { trigger: 0, policy: 0, 'materialized view': 1, view: 1, check: 2, rls: 2, function: 3, procedure: 3, extension: 4 };

export function catalogInverse(before: SchemaFingerprint, after: SchemaFingerprint): CatalogInverse {
  const drops: Array<[Kind, string]> = [];
  const creates: Array<[Kind, string]> = [];
  for (const [key, definition] of Object.entries(after.objects)) {
    const kind = kindOf(key, definition);
    if (kind && kind !== 'rls' && before.objects[key] !== definition) drops.push([kind, dropStatement(kind, key)]);
  }
  for (const [key, definition] of Object.entries(before.objects)) {
    const kind = kindOf(key, definition);
    const current = after.objects[key];
    if (!kind || current === definition) continue;
    if (kind === 'rls') creates.push(...rlsStatements(key, definition, current ?? '').map((statement): [Kind, string] => ['rls', statement]));
    else creates.push([kind, createStatement(kind, key, definition)]);
  }
  drops.sort(([a], [b]) => DROP_ORDER[a] - DROP_ORDER[b]);
  creates.sort(([a], [b]) => DROP_ORDER[b] - DROP_ORDER[a]);
  const isExtension = ([kind]: [Kind, string]) => kind === 'extension';
  const sql = ([, statement]: [Kind, string]) => statement;
  return {
    beforeDiff: [...creates.filter(isExtension), ...drops.filter((entry) => !isExtension(entry))].map(sql),
    afterDiff: [...creates.filter((entry) => !isExtension(entry)), ...drops.filter(isExtension)].map(sql),
  };
}

function kindOf(key: string, definition: string): Kind | undefined {
  const prefix = /^(function|procedure|trigger|policy|view|materialized view|extension|constraint|table) /.exec(key)?.[1];
  if (!prefix) return undefined;
  if (prefix === 'constraint') return /^CHECK /.test(definition) ? 'check' : undefined;
  if (prefix === 'table') return 'rls';
  return prefix as Kind;
}

function body(key: string): string {
  return key.replace(/^(function|procedure|trigger|policy|materialized view|view|extension|constraint|table) /, '');
}

/** Split `a."b.c".d` into its three identifiers, kept quoted. */
function parts(qualified: string): string[] {
  return qualified.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [qualified];
}

function dropStatement(kind: Exclude<Kind, 'rls'>, key: string): string {
  const name = body(key);
  switch (kind) {
    case 'function':
      return `DROP FUNCTION IF EXISTS ${name};`;
    case 'procedure':
      return `DROP PROCEDURE IF EXISTS ${name};`;
    case 'trigger':
    case 'policy': {
      const [schema, table, object] = parts(name);
      return `DROP ${kind.toUpperCase()} IF EXISTS ${object} ON ${schema}.${table};`;
    }
    case 'view':
      return `DROP VIEW IF EXISTS ${name};`;
    case 'materialized view':
      return `DROP MATERIALIZED VIEW IF EXISTS ${name};`;
    case 'extension':
      return `DROP EXTENSION IF EXISTS ${name};`;
    case 'check': {
      const [schema, table, constraint] = parts(name);
      return `ALTER TABLE ${schema}.${table} DROP CONSTRAINT IF EXISTS ${constraint};`;
    }
  }
}

function createStatement(kind: Exclude<Kind, 'rls'>, key: string, definition: string): string {
  const name = body(key);
  switch (kind) {
    case 'function':
    case 'procedure':
      return `${definition.trim()};`;
    case 'trigger': {
      const disabled = definition.endsWith(' (disabled)');
      const [schema, table, trigger] = parts(name);
      const create = `${definition.replace(/ \(disabled\)$/, '')};`;
      return disabled ? `${create}\nALTER TABLE ${schema}.${table} DISABLE TRIGGER ${trigger};` : create;
    }
    case 'policy': {
      const [schema, table, policy] = parts(name);
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
      const [schema, table, constraint] = parts(name);
      return `ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${constraint} ${definition.replace(/ not valid$/, ' NOT VALID')};`;
    }
  }
}

function rlsStatements(key: string, before: string, after: string): string[] {
  const table = body(key);
  const statements: string[] = [];
  const enabled = (definition: string) => /\brow level security\b/.test(definition);
  const forced = (definition: string) => /\bforced\b/.test(definition);
  if (enabled(before) !== enabled(after)) statements.push(`ALTER TABLE ${table} ${enabled(before) ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`);
  if (forced(before) !== forced(after)) statements.push(`ALTER TABLE ${table} ${forced(before) ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`);
  return statements;
}
