import { isUserSchema } from './bookkeeping';

/**
 * Catalog queries behind data seeding and the integrity check: the user tables, their columns
 * (with what a representative value must respect), and their foreign keys.
 */
const USER_TABLES = `
  c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND ${isUserSchema('n.nspname')}
  AND c.relname <> '_prisma_migrations'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

export const TABLE_COLUMNS_QUERY = `
  SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
    format_type(a.atttypid, a.atttypmod) AS "typeSql",
    bt.typname AS "baseType", bt.typcategory AS category,
    (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = bt.oid) AS "enumLabels",
    CASE WHEN bt.typname IN ('varchar', 'bpchar') AND tm.typmod > 4 THEN tm.typmod - 4 END AS "maxLength",
    CASE WHEN bt.typname = 'numeric' AND tm.typmod > 4 THEN ((tm.typmod - 4) >> 16) & 65535 END AS "numericPrecision",
    CASE WHEN bt.typname = 'numeric' AND tm.typmod > 4 THEN (tm.typmod - 4) & 65535 END AS "numericScale",
    (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS "notNull",
    (a.attidentity <> '' OR a.attgenerated <> '' OR COALESCE(pg_get_expr(ad.adbin, ad.adrelid), '') LIKE 'nextval(%') AS "databaseFilled",
    (ad.adbin IS NOT NULL OR (t.typtype = 'd' AND t.typdefault IS NOT NULL)) AS "hasDefault"
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  CROSS JOIN LATERAL (SELECT CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod) tm
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND ${USER_TABLES}
  ORDER BY n.nspname, c.relname, a.attnum`;

export const FOREIGN_KEYS_QUERY = `
  SELECT n.nspname AS schema, c.relname AS table,
    rn.nspname AS "refSchema", rc.relname AS "refTable",
    (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
    (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS "refColumns",
    con.confdeltype::text AS "onDelete"
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class rc ON rc.oid = con.confrelid
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE con.contype = 'f' AND ${USER_TABLES}`;

export const PRIMARY_KEYS_QUERY = `
  SELECT n.nspname AS schema, c.relname AS table,
    (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE con.contype = 'p' AND ${USER_TABLES}`;
