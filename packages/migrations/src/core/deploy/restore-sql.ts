import { ARCHIVE_SCHEMA, CURRENT_SCOPE, FORGE_SCHEMA } from '../sql/bookkeeping';

/**
 * Run before a dump's SQL in the same transaction, so that the restore leaves exactly what the
 * dump holds: every user schema but `public` is dropped (the dump creates them again), and
 * `public` is emptied (PostgreSQL's initdb owns it and pg_dump does not create it). The plugin's
 * own schema stays: the dump leaves it out, so the deploy history survives a restore. A venture
 * that shares its database owns one schema, which its dump holds whole (`pg_dump --schema`,
 * `public` included) with its archive schema: only those two are dropped, and the other ventures'
 * stay untouched.
 */
export const EMPTY_USER_SCHEMAS = `
DO $forge$
DECLARE
  item record;
BEGIN
  IF ${CURRENT_SCOPE} <> '' THEN
    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', ${CURRENT_SCOPE});
    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', left('${ARCHIVE_SCHEMA}_' || ${CURRENT_SCOPE}, 63));
    RETURN;
  END IF;
  FOR item IN SELECT nspname FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public', '${FORGE_SCHEMA}') AND nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', item.nspname);
  END LOOP;
  FOR item IN SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = 'public' LOOP
    EXECUTE format('DROP EXTENSION %I CASCADE', item.extname);
  END LOOP;
  FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') LOOP
    EXECUTE format('DROP %s IF EXISTS public.%I CASCADE',
      CASE item.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
        WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, item.relname);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS signature, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE',
      CASE item.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, item.signature);
  END LOOP;
  FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm') LOOP
    EXECUTE format('DROP TYPE IF EXISTS public.%I CASCADE', item.typname);
  END LOOP;
END
$forge$;
`;
