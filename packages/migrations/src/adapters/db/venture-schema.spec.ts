import { ForgeError } from '../../core/errors';
import { schemaSessionOptions, ventureSchema, withoutSchema } from './venture-schema';

describe('a venture schema from the URL', () => {
  const url = 'postgresql://app:s3cret@db.internal:5432/shop';

  it('is the ?schema= parameter, or none: the whole database', () => {
    expect(ventureSchema(`${url}?schema=billing`, 'BILLING_URL')).toBe('billing');
    expect(ventureSchema(`${url}?sslmode=require&schema=Ledger_2`, 'BILLING_URL')).toBe('Ledger_2');
    expect(ventureSchema(url, 'BILLING_URL')).toBeUndefined();
    expect(ventureSchema('not a url', 'BILLING_URL')).toBeUndefined();
  });

  it.each(['', 'bad name', 'x"; DROP SCHEMA public; --', 'pg_temp', 'information_schema', 'forge_migrations', '1abc', 'a'.repeat(64)])(
    'refuses %j, naming the variable and never the URL',
    (schema) => {
      const attempt = () => ventureSchema(`${url}?schema=${encodeURIComponent(schema)}`, 'BILLING_URL');
      expect(attempt).toThrow(ForgeError);
      expect(attempt).toThrow(/BILLING_URL/);
      expect(attempt).not.toThrow(/s3cret|db\.internal/);
    },
  );

  it('rides on each session as search_path and forge.schema, and is dropped for a database of the run’s own', () => {
    expect(schemaSessionOptions('Ledger_2')).toBe('-c search_path="Ledger_2" -c forge.schema=Ledger_2');
    expect(withoutSchema(`${url}?schema=billing&sslmode=require`)).toBe(`${url}?sslmode=require`);
  });
});
