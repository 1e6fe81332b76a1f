import { quoteLiteral } from './sql/quote';

/** A column as the seeder sees it (read from the catalog). */
export interface SeedColumn {
  name: string;
  /** `format_type()` of the column, used to cast the literal: `character varying(20)`, `"Role"`. */
  typeSql: string;
  /** The base type's name (`varchar`, `int4`, `uuid`, ...), through domains. */
  baseType: string;
  /** pg_type.typcategory of the base type: N numeric, S string, A array, E enum, ... */
  category: string;
  enumLabels: string[] | null;
  /** Declared length of character types; precision and scale of numeric. */
  maxLength: number | null;
  numericPrecision: number | null;
  numericScale: number | null;
  notNull: boolean;
  /** Filled by the database: identity, generated, or a sequence default. */
  databaseFilled: boolean;
  hasDefault: boolean;
}

export type SeedValue = { kind: 'default' } | { kind: 'null' } | { kind: 'literal'; sql: string } | { kind: 'none' };

const BASE_TIME = Date.UTC(2024, 0, 1);

/**
 * A representative value for a column, unique per `n` where the type allows it, as a SQL
 * literal cast to the column's type. `castTarget` is the type a coming migration converts the
 * column to: the value is chosen so that the conversion succeeds (text holding JSON before a
 * change to jsonb), as real data that survived to that migration would.
 */
export function seedValue(column: SeedColumn, n: number, castTarget?: string): SeedValue {
  if (column.databaseFilled) return { kind: 'default' };
  const text = (castTarget && column.category === 'S' ? textFor(castTarget, n) : undefined) ?? valueText(column, n);
  if (text === undefined) {
    if (column.hasDefault) return { kind: 'default' };
    return column.notNull ? { kind: 'none' } : { kind: 'null' };
  }
  return { kind: 'literal', sql: `${quoteLiteral(text)}::${column.typeSql}` };
}

function valueText(column: SeedColumn, n: number): string | undefined {
  if (column.category === 'A') return '{}';
  if (column.category === 'E') return column.enumLabels?.length ? column.enumLabels[n % column.enumLabels.length] : undefined;
  switch (column.baseType) {
    case 'int2':
      return String(n % 32767);
    case 'int4':
    case 'int8':
    case 'oid':
      return String(n);
    case 'numeric':
      return numericText(column, n);
    case 'float4':
    case 'float8':
    case 'money':
      return `${n}.5`;
    case 'bool':
      return n % 2 === 0 ? 'true' : 'false';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext':
      return stringText(n, column.maxLength);
    case 'char':
      return 'x';
    case 'uuid':
      return uuidText(n);
    case 'json':
    case 'jsonb':
      return JSON.stringify({ forge: n });
    case 'bytea':
      return `\\x${n.toString(16).padStart(8, '0')}`;
    case 'date':
      return new Date(BASE_TIME + n * 86_400_000).toISOString().slice(0, 10);
    case 'timestamp':
    case 'timestamptz':
      return new Date(BASE_TIME + n * 60_000).toISOString();
    case 'time':
    case 'timetz':
      return new Date(BASE_TIME + (n % 1440) * 60_000).toISOString().slice(11, 19);
    case 'interval':
      return `${n} minutes`;
    case 'inet':
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    case 'cidr':
      return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
    case 'macaddr':
      return `08:00:2b:${hexByte(n >> 16)}:${hexByte(n >> 8)}:${hexByte(n)}`;
    case 'tsvector':
      return `forge${n}`;
    case 'xml':
      return `<forge n="${n}"/>`;
    case 'point':
      return `(${n},${n})`;
    default:
      return undefined;
  }
}

/** Text that a cast to `target` (a type name as written in ALTER COLUMN ... TYPE) accepts. */
function textFor(target: string, n: number): string | undefined {
  const type = target.toLowerCase();
  if (type === 'json' || type === 'jsonb') return JSON.stringify({ forge: n });
  if (['int2', 'int4', 'int8', 'integer', 'bigint', 'smallint', 'numeric', 'decimal', 'float4', 'float8'].includes(type)) return String(n);
  if (type === 'uuid') return uuidText(n);
  if (type === 'bool' || type === 'boolean') return 'true';
  if (type === 'date' || type.startsWith('timestamp')) return new Date(BASE_TIME + n * 60_000).toISOString();
  return undefined;
}

function stringText(n: number, maxLength: number | null): string {
  const value = `s${n.toString(36)}`;
  if (maxLength === null || value.length <= maxLength) return value;
  return value.slice(value.length - maxLength);
}

function numericText(column: SeedColumn, n: number): string {
  if (column.numericPrecision === null) return `${n}.25`;
  const integerDigits = column.numericPrecision - (column.numericScale ?? 0);
  const whole = integerDigits > 0 ? n % 10 ** Math.min(integerDigits, 15) : 0;
  return column.numericScale ? `${whole}.${'1'.padEnd(column.numericScale, '0')}` : String(whole);
}

function uuidText(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function hexByte(value: number): string {
  return (value & 255).toString(16).padStart(2, '0');
}
