import { ForgeError } from '../errors';
import {
  type Change,
  type ChangeRequest,
  CHANGE_TYPES,
  type ChangeType,
  type ColumnSpec,
  type DefaultValue,
  type ReferentialAction,
} from './change';
import { identifierProblem, prismaNameProblem } from './identifiers';

/**
 * Read change descriptors (`{ migrationName?, changeType, targetTable, changes }`, one or a list)
 * into typed changes. Every problem names the field it is in, e.g.
 * `descriptor.json: [1].changes.columns[0].type: must be a string`.
 */
export function parseChangeRequest(input: unknown, source: string): ChangeRequest {
  const descriptors = (
    Array.isArray(input) ? input.map((item, index) => new Reader(item, source, `[${index}]`)) : [new Reader(input, source, '')]
  ).map((descriptor) => descriptor.requireObject());
  if (descriptors.length === 0) throw invalid(source, '', 'holds no change');
  const changes = descriptors.map(readDescriptor);
  const migrationName = descriptors.map((d) => d.optionalString('migrationName')).find((name) => name !== undefined);
  return { migrationName, changes };
}

/** Read the JSON of `--changes` or a descriptor file, naming it when it does not parse. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(source, '', `is not valid JSON (${(error as Error).message})`);
  }
}

const REFERENTIAL_ACTIONS: ReferentialAction[] = ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault'];

function readDescriptor(descriptor: Reader): Change {
  const kind = descriptor.oneOf('changeType', CHANGE_TYPES) as ChangeType;
  const changes = descriptor.object('changes');
  if (kind === 'sql') return readSql(changes);
  const target = descriptor.identifier('targetTable');
  switch (kind) {
    case 'add_column':
      return { kind, target, columns: changes.list('columns', readColumn, { nonEmpty: true }) };
    case 'remove_column':
      return { kind, target, columns: changes.list('columns', (item) => item.asIdentifier(), { nonEmpty: true }) };
    case 'modify_column': {
      const change: Change = { kind, target, column: changes.identifier('column') };
      if (changes.has('type')) change.type = changes.string('type');
      if (changes.has('optional')) change.optional = changes.boolean('optional');
      if (changes.has('default')) change.default = changes.isNull('default') ? null : changes.defaultValue('default');
      if (changes.has('using')) change.using = changes.string('using');
      if (changes.has('nativeType')) change.nativeType = changes.nativeType('nativeType');
      if ([change.type, change.optional, change.default, change.using, change.nativeType].every((value) => value === undefined)) {
        throw changes.problem('', 'changes nothing: give type, nativeType, optional, default or using');
      }
      return change;
    }
    case 'add_index':
      return {
        kind,
        target,
        columns: changes.list('columns', (item) => item.asIdentifier(), { nonEmpty: true }),
        unique: changes.optionalBoolean('unique') ?? false,
        name: changes.optionalIdentifier('name'),
        concurrently: changes.optionalBoolean('concurrently') ?? false,
      };
    case 'remove_index': {
      const name = changes.optionalIdentifier('name');
      const columns = changes.has('columns') ? changes.list('columns', (item) => item.asIdentifier(), { nonEmpty: true }) : undefined;
      if (!name && !columns) throw changes.problem('', 'needs "name" or "columns"');
      return { kind, target, name, columns };
    }
    case 'add_table':
      return {
        kind,
        target: descriptor.prismaName('targetTable'),
        columns: changes.list('columns', readColumn, { nonEmpty: !changes.optionalBoolean('tenantScoped') }),
        primaryKey: changes.has('primaryKey') ? changes.list('primaryKey', (item) => item.asIdentifier(), { nonEmpty: true }) : undefined,
        tenantScoped: changes.optionalBoolean('tenantScoped') ?? false,
      };
    case 'remove_table':
      return { kind, target };
    case 'add_relation':
      return {
        kind,
        target,
        field: changes.prismaName('field'),
        references: changes.identifier('references'),
        fields: changes.list('fields', (item) => item.asPrismaName(), { nonEmpty: true }),
        referencedFields: changes.list('referencedFields', (item) => item.asIdentifier(), { nonEmpty: true }),
        onDelete: changes.optionalOneOf('onDelete', REFERENTIAL_ACTIONS) as ReferentialAction | undefined,
        onUpdate: changes.optionalOneOf('onUpdate', REFERENTIAL_ACTIONS) as ReferentialAction | undefined,
        backRelationField: changes.has('backRelationField') ? changes.prismaName('backRelationField') : undefined,
      };
    case 'remove_relation':
      return { kind, target, field: changes.identifier('field') };
    case 'rename': {
      const keepModelName = changes.optionalBoolean('keepModelName') ?? false;
      if (changes.has('table')) {
        if (changes.has('column')) throw changes.problem('', 'renames a column ("column", "to") or a table ("table"), not both');
        return { kind: 'rename_table', target, to: changes.identifier('table'), keepModelName };
      }
      return { kind: 'rename_column', target, column: changes.identifier('column'), to: changes.identifier('to'), keepModelName };
    }
  }
}

function readSql(changes: Reader): Change {
  const up = changes.string('up');
  const down = changes.has('down') ? changes.string('down') : undefined;
  const irreversible = changes.has('irreversible') ? changes.string('irreversible') : undefined;
  if (!up.trim()) throw changes.problem('up', 'is empty');
  if (down === undefined && !irreversible) {
    throw changes.problem('', 'needs "down" (the SQL that undoes "up"), or "irreversible": "<why it cannot be undone>"');
  }
  return { kind: 'sql', up, down, irreversible };
}

function readColumn(item: Reader): ColumnSpec {
  item.requireObject();
  return {
    name: item.prismaName('name'),
    type: item.typeName('type'),
    optional: item.optionalBoolean('optional') ?? false,
    default: item.has('default') ? item.defaultValue('default') : undefined,
    unique: item.optionalBoolean('unique') ?? false,
    map: item.optionalIdentifier('map'),
    nativeType: item.has('nativeType') ? item.nativeType('nativeType') : undefined,
  };
}

function invalid(source: string, path: string, problem: string): ForgeError {
  return new ForgeError(
    'DESCRIPTOR_INVALID',
    `${source}: ${path ? `${path}: ` : ''}${problem}`,
    'See the descriptor contract in the README of @forge/migrations (changeType, targetTable, changes).',
  );
}

/** Reads one JSON object, keeping the path of every field for error messages. */
class Reader {
  constructor(
    private readonly value: unknown,
    private readonly source: string,
    private readonly path: string,
  ) {}

  /** This value, which must be a JSON object. */
  requireObject(): this {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      throw invalid(this.source, this.path, 'must be an object');
    return this;
  }

  private get record(): Record<string, unknown> {
    return this.value as Record<string, unknown>;
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  problem(key: string, message: string): ForgeError {
    return invalid(this.source, key ? this.at(key) : this.path, message);
  }

  has(key: string): boolean {
    return this.record[key] !== undefined;
  }

  isNull(key: string): boolean {
    return this.record[key] === null;
  }

  object(key: string): Reader {
    const value = this.record[key];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.problem(key, 'must be an object');
    return new Reader(value, this.source, this.at(key));
  }

  string(key: string): string {
    const value = this.record[key];
    if (typeof value !== 'string') throw this.problem(key, value === undefined ? 'is required' : 'must be a string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  boolean(key: string): boolean {
    const value = this.record[key];
    if (typeof value !== 'boolean') throw this.problem(key, 'must be true or false');
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  identifier(key: string): string {
    const value = this.string(key);
    const problem = identifierProblem(value);
    if (problem) throw this.problem(key, `"${value}" ${problem}`);
    return value;
  }

  optionalIdentifier(key: string): string | undefined {
    return this.has(key) ? this.identifier(key) : undefined;
  }

  prismaName(key: string): string {
    const value = this.string(key);
    const problem = prismaNameProblem(value);
    if (problem) throw this.problem(key, `"${value}" ${problem}`);
    return value;
  }

  typeName(key: string): string {
    const value = this.string(key);
    if (!/^[A-Za-z][A-Za-z0-9_]*(\[\])?$/.test(value))
      throw this.problem(key, `"${value}" is not a Prisma type (e.g. String, Int, DateTime, an enum, String[])`);
    return value;
  }

  nativeType(key: string): string {
    const value = this.string(key).replace(/^@?db\./, '');
    if (!/^[A-Za-z][A-Za-z0-9]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?$/.test(value))
      throw this.problem(key, `"${value}" is not a native type (e.g. VarChar(255), Uuid, Timestamptz(6))`);
    return value;
  }

  defaultValue(key: string): DefaultValue {
    const value = this.record[key];
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
    throw this.problem(key, 'must be a string, number or boolean literal, or a function such as "now()"');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.string(key);
    if (!allowed.includes(value as T)) throw this.problem(key, `"${value}" is not one of ${allowed.join(', ')}`);
    return value as T;
  }

  optionalOneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    return this.has(key) ? this.oneOf(key, allowed) : undefined;
  }

  list<T>(key: string, read: (item: Reader) => T, options: { nonEmpty: boolean }): T[] {
    const value = this.record[key];
    if (!Array.isArray(value)) throw this.problem(key, value === undefined ? 'is required (a list)' : 'must be a list');
    if (options.nonEmpty && value.length === 0) throw this.problem(key, 'must not be empty');
    return value.map((item, index) => read(new Reader(item, this.source, `${this.at(key)}[${index}]`)));
  }

  /** This value itself as an identifier (for lists of names). */
  asIdentifier(): string {
    if (typeof this.value !== 'string') throw invalid(this.source, this.path, 'must be a string');
    const problem = identifierProblem(this.value);
    if (problem) throw invalid(this.source, this.path, `"${this.value}" ${problem}`);
    return this.value;
  }

  asPrismaName(): string {
    const name = this.asIdentifier();
    const problem = prismaNameProblem(name);
    if (problem) throw invalid(this.source, this.path, `"${name}" ${problem}`);
    return name;
  }
}
