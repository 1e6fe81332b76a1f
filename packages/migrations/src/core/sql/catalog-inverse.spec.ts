import { makeFingerprint } from '../fingerprint';
import { catalogInverse } from './catalog-inverse';

const fingerprint = (objects: Record<string, string>) =>
  makeFingerprint(Object.entries(objects).map(([key, definition]) => ({ key, definition })));

describe('catalogInverse', () => {
  it('drops what the migration created: triggers before their functions, extensions after the diff', () => {
    const before = fingerprint({ 'table public."A"': '' });
    const after = fingerprint({
      'table public."A"': 'row level security',
      'extension citext': 'in schema public',
      'function public.touch()': 'CREATE OR REPLACE FUNCTION public.touch() ...',
      'trigger public."A".t': 'CREATE TRIGGER t BEFORE UPDATE ON public."A" FOR EACH ROW EXECUTE FUNCTION touch()',
      'constraint public."A".positive': 'CHECK (x > 0)',
      'constraint public."A"."A_pkey"': 'PRIMARY KEY (id)',
    });
    expect(catalogInverse(before, after)).toEqual({
      beforeDiff: [
        'DROP TRIGGER IF EXISTS t ON public."A";',
        'ALTER TABLE public."A" DROP CONSTRAINT IF EXISTS positive;',
        'DROP FUNCTION IF EXISTS public.touch();',
      ],
      afterRenames: [],
      afterDiff: ['ALTER TABLE public."A" DISABLE ROW LEVEL SECURITY;', 'DROP EXTENSION IF EXISTS citext;'],
    });
  });

  it('re-creates what the migration dropped or changed: extensions first, views, policies and disabled triggers after the diff', () => {
    const before = fingerprint({
      'extension "uuid-ossp"': 'in schema public',
      'view public.v': ' SELECT 1 AS one;',
      'policy public."A".own': 'permissive for r to public using ((owner = CURRENT_USER))',
      'trigger public."A".t': 'CREATE TRIGGER t AFTER INSERT ON public."A" FOR EACH ROW EXECUTE FUNCTION f() (disabled)',
      'constraint public."A".c': 'CHECK (x > 0) not valid',
    });
    const after = fingerprint({ 'view public.v': ' SELECT 2 AS one;' });
    expect(catalogInverse(before, after)).toEqual({
      beforeDiff: ['CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA public;', 'DROP VIEW IF EXISTS public.v;'],
      afterRenames: [],
      afterDiff: [
        'ALTER TABLE public."A" ADD CONSTRAINT c CHECK (x > 0) NOT VALID;',
        'CREATE VIEW public.v AS SELECT 1 AS one;',
        'CREATE POLICY own ON public."A" AS PERMISSIVE FOR SELECT TO public USING ((owner = CURRENT_USER));',
        'CREATE TRIGGER t AFTER INSERT ON public."A" FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE public."A" DISABLE TRIGGER t;',
      ],
    });
  });

  it("drops a UNIQUE or EXCLUDE constraint the migration added, and re-creates one it dropped in place of the engine's unique index", () => {
    const table = fingerprint({ 'table public."T"': '' });
    const withConstraint = fingerprint({
      'table public."T"': '',
      'constraint public."T"."T_a_key"': 'UNIQUE (a, b) DEFERRABLE INITIALLY DEFERRED',
      'constraint public."T".no_overlap': 'EXCLUDE USING gist (r WITH &&)',
    });
    expect(catalogInverse(table, withConstraint).beforeDiff).toEqual([
      'ALTER TABLE public."T" DROP CONSTRAINT IF EXISTS "T_a_key";',
      'ALTER TABLE public."T" DROP CONSTRAINT IF EXISTS no_overlap;',
    ]);
    expect(catalogInverse(withConstraint, table).afterDiff).toEqual([
      'DROP INDEX IF EXISTS public."T_a_key";\nALTER TABLE public."T" ADD CONSTRAINT "T_a_key" UNIQUE (a, b) DEFERRABLE INITIALLY DEFERRED;',
      'DROP INDEX IF EXISTS public.no_overlap;\nALTER TABLE public."T" ADD CONSTRAINT no_overlap EXCLUDE USING gist (r WITH &&);',
    ]);
  });

  it('drops and re-creates indexes the engine cannot express, leaving constraint indexes and plain ones to it', () => {
    const plain = 'CREATE INDEX "T_a_idx" ON public."T" USING btree (a)';
    const covering = 'CREATE INDEX "T_b_idx" ON public."T" USING btree (b) INCLUDE (c) WITH (fillfactor=\'90\')';
    const partial = 'CREATE INDEX "T_c_idx" ON public."T" USING btree (c) WHERE (c IS NOT NULL)';
    const before = fingerprint({
      'index public."T_b_idx"': covering,
      'index public."T_a_idx"': plain,
      'index public."T_pkey"': 'CREATE UNIQUE INDEX "T_pkey" ON public."T" USING btree (id) WITH (fillfactor=\'90\')',
      'constraint public."T"."T_pkey"': 'PRIMARY KEY (id)',
    });
    const after = fingerprint({ 'index public."T_c_idx"': partial, 'constraint public."T"."T_pkey"': 'PRIMARY KEY (id)' });
    expect(catalogInverse(before, after)).toEqual({
      beforeDiff: ['DROP INDEX IF EXISTS public."T_c_idx";'],
      afterRenames: [],
      afterDiff: [`DROP INDEX IF EXISTS public."T_b_idx";\n${covering};`],
    });
  });

  it('builds back a dropped index the engine may not express before its diff, when its table and columns are still there', () => {
    const trigram = 'CREATE INDEX "T_title_trgm_idx" ON public."T" USING gin (title gin_trgm_ops)';
    const descending = 'CREATE INDEX "T_at_idx" ON public."T" USING btree ("createdAt" DESC, id)';
    const table = {
      'table public."T"': '',
      'column public."T".title': 'text',
      'column public."T"."createdAt"': 'timestamp(3) without time zone',
      'column public."T".id': 'integer',
    };
    const before = fingerprint({ ...table, 'index public."T_title_trgm_idx"': trigram, 'index public."T_at_idx"': descending });
    expect(catalogInverse(before, fingerprint(table))).toEqual({
      beforeDiff: [],
      afterRenames: [`DROP INDEX IF EXISTS public."T_title_trgm_idx";\n${trigram};`],
      afterDiff: [],
    });
  });

  it('converts a column whose type the migration changed back in place, once renames are undone', () => {
    const before = fingerprint({ 'table public."T"': '', 'column public."T".ts': 'integer not null', 'column public."T".name': 'text' });
    const after = fingerprint({
      'table public."T"': '',
      'column public."T".ts': 'text not null',
      'column public."T".name': "text default 'x'::text",
    });
    expect(catalogInverse(before, after).afterRenames).toEqual([
      'ALTER TABLE public."T" ALTER COLUMN ts SET DATA TYPE integer USING (ts::integer);',
    ]);
  });

  it('drops the schema, tables, columns and indexes a migration adds outside the schemas the engine manages', () => {
    const before = fingerprint({ 'schema public': '', 'table events.runs': '', 'column events.runs.id': 'integer' });
    const after = fingerprint({
      'schema public': '',
      'schema audit': '',
      'table audit.log': '',
      'column audit.log.id': 'integer',
      'table events.runs': '',
      'column events.runs.id': 'integer',
      'column events.runs."groupId"': 'text',
      'index events.runs_time_idx': 'CREATE INDEX runs_time_idx ON events.runs USING btree (id)',
      'column public."T".x': 'text',
    });
    expect(catalogInverse(before, after).beforeDiff).toEqual([
      'DROP INDEX IF EXISTS events.runs_time_idx;',
      'ALTER TABLE audit.log DROP COLUMN IF EXISTS id;',
      'ALTER TABLE events.runs DROP COLUMN IF EXISTS "groupId";',
      'DROP TABLE IF EXISTS audit.log;',
      'DROP SCHEMA IF EXISTS audit;',
    ]);
    // With events managed (a multi-schema datasource), the engine's diff takes care of it.
    expect(catalogInverse(before, after, ['public', 'events']).beforeDiff).toEqual([
      'ALTER TABLE audit.log DROP COLUMN IF EXISTS id;',
      'DROP TABLE IF EXISTS audit.log;',
      'DROP SCHEMA IF EXISTS audit;',
    ]);
  });
});
