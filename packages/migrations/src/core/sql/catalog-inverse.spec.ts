import { makeFingerprint } from '../fingerprint';
import { catalogInverse } from './catalog-inverse';

const fingerprint = (objects: Record<string, string>) => makeFingerprint(Object.entries(objects).map(([key, definition]) => ({ key, definition })));

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
      afterDiff: [
        'ALTER TABLE public."A" ADD CONSTRAINT c CHECK (x > 0) NOT VALID;',
        'CREATE VIEW public.v AS SELECT 1 AS one;',
        'CREATE POLICY own ON public."A" AS PERMISSIVE FOR SELECT TO public USING ((owner = CURRENT_USER));',
        'CREATE TRIGGER t AFTER INSERT ON public."A" FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE public."A" DISABLE TRIGGER t;',
      ],
    });
  });
});
