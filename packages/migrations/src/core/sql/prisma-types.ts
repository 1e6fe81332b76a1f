import { quoteIdentifier } from './quote';

/** The PostgreSQL type Prisma's engine gives each Prisma scalar without a native type attribute. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'TEXT',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'DOUBLE PRECISION',
  Decimal: 'DECIMAL(65,30)',
  Boolean: 'BOOLEAN',
  DateTime: 'TIMESTAMP(3)',
  Json: 'JSONB',
  Bytes: 'BYTEA',
};

/** Native type attributes (`@db.X`) whose SQL name differs from the attribute's. */
const NATIVE_TYPES: Record<string, string> = {
  Text: 'TEXT',
  VarChar: 'VARCHAR',
  Char: 'CHAR',
  Uuid: 'UUID',
  SmallInt: 'SMALLINT',
  Integer: 'INTEGER',
  BigInt: 'BIGINT',
  Real: 'REAL',
  DoublePrecision: 'DOUBLE PRECISION',
  Decimal: 'DECIMAL',
  Money: 'MONEY',
  Boolean: 'BOOLEAN',
  Timestamp: 'TIMESTAMP',
  Timestamptz: 'TIMESTAMPTZ',
  Date: 'DATE',
  Time: 'TIME',
  Timetz: 'TIMETZ',
  Json: 'JSON',
  JsonB: 'JSONB',
  ByteA: 'BYTEA',
  Xml: 'XML',
  Inet: 'INET',
  Citext: 'CITEXT',
  Bit: 'BIT',
  VarBit: 'VARBIT',
  Oid: 'OID',
};

/**
 * The SQL type of a Prisma field: `String @db.VarChar(20)` -> `VARCHAR(20)`, an enum -> `"Mood"`,
 * a list -> `TEXT[]`. Used where the generator writes a column type itself (in-place casts).
 */
export function sqlType(prismaType: string, nativeType?: [string, string[]] | null, enumNames: readonly string[] = []): string {
  const list = prismaType.endsWith('[]');
  const base = prismaType.replace(/\[\]$/, '');
  let type: string;
  if (nativeType) {
    const [name, args] = nativeType;
    const sqlName = NATIVE_TYPES[name] ?? name.toUpperCase();
    type = args.length ? `${sqlName}(${args.join(',')})` : name === 'Timestamp' || name === 'Time' ? `${sqlName}(3)` : sqlName;
  } else if (enumNames.includes(base)) {
    type = quoteIdentifier(base);
  } else {
    type = DEFAULT_TYPES[base] ?? base.toUpperCase();
  }
  return list ? `${type}[]` : type;
}

/**
 * Casts that always succeed and lose nothing, whatever the data: done in place. Any other type
 * change may fail or truncate on some row, so it is done expand/contract.
 */
export function isSafeCast(from: string, to: string): boolean {
  if (from === to) return true;
  const widening: Record<string, string[]> = {
    SMALLINT: ['INTEGER', 'BIGINT', 'DECIMAL(65,30)', 'DOUBLE PRECISION', 'TEXT'],
    INTEGER: ['BIGINT', 'DECIMAL(65,30)', 'DOUBLE PRECISION', 'TEXT'],
    BIGINT: ['DECIMAL(65,30)', 'TEXT'],
    REAL: ['DOUBLE PRECISION', 'TEXT'],
    'DOUBLE PRECISION': ['TEXT'],
    BOOLEAN: ['TEXT'],
    UUID: ['TEXT'],
    JSON: ['JSONB', 'TEXT'],
    JSONB: ['TEXT'],
    DATE: ['TIMESTAMP(3)', 'TIMESTAMPTZ(3)', 'TEXT'],
    'TIMESTAMP(3)': ['TIMESTAMPTZ(3)', 'TEXT'],
  };
  if (widening[from]?.includes(to)) return true;
  // Longer or unbounded character types hold every shorter string.
  const length = (type: string) => /^(VARCHAR|CHAR)\((\d+)\)$/.exec(type);
  const source = length(from);
  if ((source || from === 'TEXT') && (to === 'TEXT' || to === 'CITEXT')) return true;
  const target = length(to);
  return Boolean(source && target && source[1] === 'VARCHAR' && target[1] === 'VARCHAR' && Number(target[2]) >= Number(source[2]));
}

/** PostgreSQL's spellings of a type (`int4`, `integer`, `character varying(20)`) -> the one this module uses. */
const CANONICAL: Record<string, string> = {
  int2: 'SMALLINT',
  smallint: 'SMALLINT',
  int4: 'INTEGER',
  int: 'INTEGER',
  integer: 'INTEGER',
  int8: 'BIGINT',
  bigint: 'BIGINT',
  float4: 'REAL',
  real: 'REAL',
  float8: 'DOUBLE PRECISION',
  'double precision': 'DOUBLE PRECISION',
  bool: 'BOOLEAN',
  boolean: 'BOOLEAN',
  text: 'TEXT',
  varchar: 'VARCHAR',
  'character varying': 'VARCHAR',
  bpchar: 'CHAR',
  character: 'CHAR',
  char: 'CHAR',
  numeric: 'DECIMAL',
  decimal: 'DECIMAL',
  timestamp: 'TIMESTAMP',
  'timestamp without time zone': 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  'timestamp with time zone': 'TIMESTAMPTZ',
  date: 'DATE',
  time: 'TIME',
  'time without time zone': 'TIME',
  timetz: 'TIMETZ',
  jsonb: 'JSONB',
  json: 'JSON',
  uuid: 'UUID',
  bytea: 'BYTEA',
  citext: 'CITEXT',
};

export function canonicalSqlType(type: string): string {
  const match = /^\s*([a-z_ ]+?|"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*(with(?:out)? time zone)?\s*(\[\])?\s*$/i.exec(type);
  if (!match) return type.toUpperCase();
  const [, name, modifiers = '', zone = '', array = ''] = match;
  const key = `${name.toLowerCase().trim()}${zone ? ` ${zone.toLowerCase()}` : ''}`;
  const base = CANONICAL[key] ?? CANONICAL[name.toLowerCase().trim()] ?? (name.startsWith('"') ? name : name.toUpperCase());
  const zoned = zone && base === 'TIMESTAMP' && /with time/i.test(zone) ? 'TIMESTAMPTZ' : base;
  return `${zoned}${modifiers.replace(/\s+/g, '')}${array}`;
}
