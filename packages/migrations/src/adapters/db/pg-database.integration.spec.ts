import pg from 'pg';
import { testServerUrl } from '../../test-support/databases';
import { PgDatabase } from './pg-database';

async function databasesLike(pattern: string): Promise<string[]> {
  const client = new pg.Client(testServerUrl());
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [pattern]);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

describe('PgDatabase', () => {
  it('creates a uniquely named throwaway database and drops it on close, even with a session still open', async () => {
    const [a, b] = await Promise.all([
      PgDatabase.createThrowaway({ url: testServerUrl(), source: 'TEST_DATABASE_URL' }, 'pg spec'),
      PgDatabase.createThrowaway({ url: testServerUrl(), source: 'TEST_DATABASE_URL' }, 'pg spec'),
    ]);
    expect(a.label).not.toBe(b.label);
    expect(a.label).toMatch(/^PostgreSQL 127\.0\.0\.1:\d+\/forge_pg_spec_[0-9a-f]{12}$/);
    expect(await databasesLike('forge_pg_spec_%')).toHaveLength(2);
    const leftOpen = new pg.Client(testServerUrl().replace(/\/[^/]*$/, `/${a.label.split('/').pop()}`));
    await leftOpen.connect();
    leftOpen.on('error', () => undefined);
    await Promise.all([a.close(), b.close()]);
    expect(await databasesLike('forge_pg_spec_%')).toEqual([]);
    await leftOpen.end().catch(() => undefined);
  });

  it('drops the shadow databases the schema engine asks for', async () => {
    const database = await PgDatabase.createThrowaway({ url: testServerUrl(), source: 'TEST_DATABASE_URL' }, 'pg shadow');
    try {
      // Other tests on the same server may hold shadow databases of their own: count only the one made here.
      const others = new Set(await databasesLike('forge_shadow_%'));
      const ours = async () => (await databasesLike('forge_shadow_%')).filter((name) => !others.has(name));
      const shadow = await database.adapterFactory().connectToShadowDb();
      await shadow.executeScript('CREATE TABLE scratch (id int); DO $$ BEGIN PERFORM 1; END $$;');
      expect(await ours()).toHaveLength(1);
      await shadow.dispose();
      expect(await ours()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('refuses a URL that is not PostgreSQL, naming the variable and not the value', async () => {
    await expect(PgDatabase.connect({ url: 'mysql://root:s3cret@localhost/db', source: 'STAGING_DATABASE_URL' })).rejects.toMatchObject({
      code: 'DATABASE_URL_INVALID',
      message: 'STAGING_DATABASE_URL is not a PostgreSQL URL.',
    });
  });

  it('names an unreachable server by host, port and database only', async () => {
    const error = await PgDatabase.connect({ url: 'postgresql://app:s3cret@127.0.0.1:1/orders', source: 'DATABASE_URL' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'DATABASE_UNREACHABLE' });
    expect(String((error as Error).message)).toMatch(/^Cannot reach the PostgreSQL server at 127\.0\.0\.1:1\/orders \(DATABASE_URL\)/);
    expect(JSON.stringify(error)).not.toContain('s3cret');
    expect(String((error as Error).message)).not.toContain('s3cret');
  });
});
