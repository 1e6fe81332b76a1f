import { describeDatabaseUrl, redact } from './redact';

describe('redact', () => {
  it('removes credentials from URLs and password parameters', () => {
    expect(redact('connect postgresql://app:s3cret@db:5432/x failed')).toBe('connect postgresql://[redacted]@db:5432/x failed');
    expect(redact('postgres://app@db/x')).toBe('postgres://[redacted]@db/x');
    expect(redact('host=db password=s3cret user=app')).toBe('host=db password=[redacted] user=app');
  });

  it('removes known secrets wherever they appear', () => {
    expect(redact('token abcd1234 in text', ['abcd1234'])).toBe('token [redacted] in text');
  });

  it('describes a URL by host, port and database only', () => {
    expect(describeDatabaseUrl('postgresql://app:s3cret@db.internal:6543/orders?sslmode=require')).toBe('db.internal:6543/orders');
    expect(describeDatabaseUrl('not a url')).toBe('(unparseable URL)');
  });
});
