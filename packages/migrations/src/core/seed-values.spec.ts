import { seedValue, type SeedColumn } from './seed-values';

const column = (overrides: Partial<SeedColumn>): SeedColumn => ({
  name: 'c',
  typeSql: 'text',
  baseType: 'text',
  category: 'S',
  enumLabels: null,
  maxLength: null,
  numericPrecision: null,
  numericScale: null,
  notNull: true,
  databaseFilled: false,
  hasDefault: false,
  ...overrides,
});

describe('seedValue', () => {
  it('casts a literal to the column type', () => {
    expect(seedValue(column({ typeSql: 'uuid', baseType: 'uuid', category: 'U' }), 255)).toEqual({
      kind: 'literal',
      sql: `'00000000-0000-4000-8000-0000000000ff'::uuid`,
    });
  });

  it('keeps strings within the declared length and unique per n', () => {
    const varchar2 = column({ typeSql: 'character varying(2)', baseType: 'varchar', maxLength: 2 });
    const values = [1, 2, 40].map((n) => seedValue(varchar2, n));
    expect(values.map((v) => (v.kind === 'literal' ? v.sql : v.kind))).toEqual([
      `'s1'::character varying(2)`,
      `'s2'::character varying(2)`,
      `'14'::character varying(2)`,
    ]);
  });

  it('respects numeric precision and scale', () => {
    expect(
      seedValue(column({ typeSql: 'numeric(4,2)', baseType: 'numeric', category: 'N', numericPrecision: 4, numericScale: 2 }), 123),
    ).toEqual({
      kind: 'literal',
      sql: `'23.10'::numeric(4,2)`,
    });
  });

  it('picks enum labels and empty arrays', () => {
    expect(seedValue(column({ typeSql: '"Role"', baseType: 'Role', category: 'E', enumLabels: ['A', 'B'] }), 3)).toEqual({
      kind: 'literal',
      sql: `'B'::"Role"`,
    });
    expect(seedValue(column({ typeSql: 'text[]', baseType: '_text', category: 'A' }), 3)).toEqual({ kind: 'literal', sql: `'{}'::text[]` });
  });

  it('gives text that a coming type change accepts', () => {
    expect(seedValue(column({}), 5, 'jsonb')).toEqual({ kind: 'literal', sql: `'{"forge":5}'::text` });
    expect(seedValue(column({}), 5, 'int4')).toEqual({ kind: 'literal', sql: `'5'::text` });
  });

  it('leaves database-filled columns to the database and unknown types to NULL or a default', () => {
    expect(seedValue(column({ databaseFilled: true }), 1)).toEqual({ kind: 'default' });
    const unknown = column({ typeSql: 'box', baseType: 'box', category: 'G' });
    expect(seedValue({ ...unknown, notNull: false }, 1)).toEqual({ kind: 'null' });
    expect(seedValue({ ...unknown, hasDefault: true }, 1)).toEqual({ kind: 'default' });
    expect(seedValue(unknown, 1)).toEqual({ kind: 'none' });
  });

  it('escapes quotes in literals', () => {
    expect(seedValue(column({ typeSql: 'xml', baseType: 'xml', category: 'U' }), 1)).toEqual({
      kind: 'literal',
      sql: `'<forge n="1"/>'::xml`,
    });
  });
});
