import { canonicalSqlType, isSafeCast, sqlType } from './prisma-types';

describe('SQL types', () => {
  it('maps Prisma types and native types to the SQL Prisma writes', () => {
    expect(sqlType('String')).toBe('TEXT');
    expect(sqlType('String', ['VarChar', ['20']])).toBe('VARCHAR(20)');
    expect(sqlType('DateTime')).toBe('TIMESTAMP(3)');
    expect(sqlType('DateTime', ['Timestamptz', ['6']])).toBe('TIMESTAMPTZ(6)');
    expect(sqlType('Int[]')).toBe('INTEGER[]');
    expect(sqlType('Role', null, ['Role'])).toBe('"Role"');
  });

  it('reads every spelling of a type as one', () => {
    expect(canonicalSqlType('int4')).toBe('INTEGER');
    expect(canonicalSqlType('character varying(20)')).toBe('VARCHAR(20)');
    expect(canonicalSqlType('timestamp(3) without time zone')).toBe('TIMESTAMP(3)');
    expect(canonicalSqlType('timestamp(6) with time zone')).toBe('TIMESTAMPTZ(6)');
    expect(canonicalSqlType('numeric(65, 30)')).toBe('DECIMAL(65,30)');
    expect(canonicalSqlType('text[]')).toBe('TEXT[]');
  });

  it('knows which casts cannot fail', () => {
    expect(isSafeCast('INTEGER', 'BIGINT')).toBe(true);
    expect(isSafeCast('BIGINT', 'INTEGER')).toBe(false);
  });
});
