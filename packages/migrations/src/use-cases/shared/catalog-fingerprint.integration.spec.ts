import { compareFingerprints, describeDifference, isSameSchema } from '../../core/fingerprint';
import type { Database } from '../../adapters/db/database';
import { DATABASE_ENGINES, openTestDatabase } from '../../test-support/databases';
import { fingerprintSchema } from './catalog-fingerprint';

const CREATE_ALL =
  `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE SEQUENCE ticket_seq START 100 INCREMENT 5;
CREATE TABLE "Account" (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  role "Role" NOT NULL DEFAULT 'USER',
  seats positive_int,
  ticket integer DEFAULT nextval('ticket_seq'),
  serial_id serial,
  tenant_id text
);
CREATE TABLE "Post" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id uuid ` +
  `REFERENCES "Account"(id) ON DELETE CASCADE, title varchar(200) CHECK (length(title) > 2));
CREATE INDEX post_title_idx ON "Post" (lower(title)) WHERE title IS NOT NULL;
CREATE VIEW active_accounts AS SELECT id, email FROM "Account" WHERE role = 'ADMIN';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.title := trim(NEW.title); RETURN NEW; END; $$;
CREATE TRIGGER post_touch BEFORE INSERT ON "Post" FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE "Account" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Account" USING (tenant_id = current_setting('app.tenant_id', true));
CREATE TABLE _prisma_migrations (id text);
`;
const DROP_ALL = `
DROP TABLE _prisma_migrations; DROP VIEW active_accounts; DROP TABLE "Post"; DROP TABLE "Account"; DROP FUNCTION touch();
DROP SEQUENCE ticket_seq; DROP DOMAIN positive_int; DROP TYPE "Role"; DROP EXTENSION pgcrypto;
`;

describe.each(DATABASE_ENGINES)('schema fingerprint (%s)', (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(engine, { extensions: ['pgcrypto'], label: 'fingerprint' });
  });
  afterAll(() => database?.close());

  it('covers every kind of object, and leaves out extension members and _prisma_migrations', async () => {
    const empty = await fingerprintSchema(database);
    await database.executeScript(CREATE_ALL);
    const full = await fingerprintSchema(database);
    const keys = Object.keys(full.objects);
    for (const expected of [
      'extension pgcrypto',
      'enum public."Role"',
      'domain public.positive_int',
      'sequence public.ticket_seq',
      'sequence public."Account_serial_id_seq"',
      'table public."Account"',
      'column public."Account".email',
      'constraint public."Account"."Account_email_key"',
      'constraint public."Post"."Post_account_id_fkey"',
      'constraint public."Post"."Post_title_check"',
      'index public.post_title_idx',
      'view public.active_accounts',
      'function public.touch()',
      'trigger public."Post".post_touch',
      'policy public."Account".tenant_isolation',
    ]) {
      expect(keys).toContain(expected);
    }
    expect(keys.filter((key) => key.includes('_prisma_migrations'))).toEqual([]);
    expect(keys.filter((key) => key.includes('gen_random_uuid') || key.includes('digest('))).toEqual([]);
    expect(full.objects['table public."Account"']).toBe('row level security');
    expect(full.objects['column public."Account".role']).toBe(`"Role" not null default 'USER'::"Role"`);

    await database.executeScript(DROP_ALL);
    expect(isSameSchema(compareFingerprints(empty, await fingerprintSchema(database)))).toBe(true);
    await database.executeScript(CREATE_ALL);
    const again = await fingerprintSchema(database);
    expect(again.hash).toBe(full.hash);
  });

  it('names the objects that differ', async () => {
    const before = await fingerprintSchema(database);
    await database.executeScript(`
      ALTER TABLE "Account" ALTER COLUMN email DROP NOT NULL;
      DROP INDEX post_title_idx;
      ALTER TYPE "Role" ADD VALUE 'GUEST';
      CREATE INDEX account_tenant_idx ON "Account"(tenant_id);
      ALTER TABLE "Account" DISABLE ROW LEVEL SECURITY;`);
    const difference = compareFingerprints(before, await fingerprintSchema(database));
    expect(difference.added).toEqual(['index public.account_tenant_idx']);
    expect(difference.removed).toEqual(['index public.post_title_idx']);
    expect(difference.changed.map((change) => change.key).sort()).toEqual([
      'column public."Account".email',
      'enum public."Role"',
      'table public."Account"',
    ]);
    expect(describeDifference(difference)).toContain(`~ enum public."Role": expected 'ADMIN', 'USER', found 'ADMIN', 'USER', 'GUEST'`);
  });
});
