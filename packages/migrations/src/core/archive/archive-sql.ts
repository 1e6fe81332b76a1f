import { ARCHIVE_SCHEMA } from '../sql/bookkeeping';
import { dollarQuoted, qualifiedName, quoteIdentifier, quoteLiteral } from '../sql/quote';

/**
 * The archive: what a deploy or rollback is about to destroy, kept in a schema of the plugin's
 * own beside the venture's (one per venture sharing a database), with a registry of what each
 * archive holds. Unlike the deploy history it is covered by the venture's backups, so a restore
 * brings back archives and registry together. Every change to it is one script: one transaction.
 */

/** The archive schema of a venture that owns `scope` ('' when it owns the whole database). */
export function archiveSchema(scope: string): string {
  return scope ? `${ARCHIVE_SCHEMA}_${scope}`.slice(0, 63) : ARCHIVE_SCHEMA;
}

export const registry = (schema: string) => qualifiedName(schema, 'archives');

/** The registry, made once per archive schema (under a lock: two runs may make it at once). */
export function createRegistry(schema: string): string {
  return [
    'SELECT pg_advisory_xact_lock(72707372)',
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${registry(schema)} (
    id               BIGSERIAL PRIMARY KEY,
    outcome          VARCHAR(7) NOT NULL DEFAULT 'kept',
    reason           TEXT,
    archive_table    TEXT,
    run_id           VARCHAR(36) NOT NULL,
    migration        TEXT NOT NULL,
    direction        VARCHAR(4) NOT NULL,
    kind             VARCHAR(6) NOT NULL,
    source_schema    TEXT NOT NULL,
    source_table     TEXT NOT NULL,
    source_column    TEXT,
    key_columns      TEXT[] NOT NULL,
    columns          TEXT[] NOT NULL,
    text_types       TEXT[] NOT NULL,
    sequence_columns TEXT[] NOT NULL,
    rows             BIGINT NOT NULL,
    bytes            BIGINT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at       TIMESTAMPTZ NOT NULL,
    restored_at      TIMESTAMPTZ,
    restored_rows    BIGINT,
    purged_at        TIMESTAMPTZ
  )`,
    // A registry made before restores counted their rows.
    `ALTER TABLE ${registry(schema)} ADD COLUMN IF NOT EXISTS restored_rows BIGINT`,
  ].join(';\n');
}

/** Kept before the migration ran (`up`), or before its down ran (`down`). */
export type ArchiveDirection = 'up' | 'down';

/** What one archive keeps, as the registry records it. */
export interface ArchiveEntry {
  archiveTable: string;
  runId: string;
  migration: string;
  direction: ArchiveDirection;
  kind: 'table' | 'column';
  source: { schema: string; table: string; column?: string };
  /** A table's primary key or unique not-null key: how a column's values find their rows again. */
  keyColumns: string[];
  /** The columns kept: a table's (but generated ones), or the key and the column. */
  columns: string[];
  /** Columns whose sequence must continue after the rows come back. */
  sequenceColumns: string[];
  /**
   * Per column of `columns`: '' when kept as it is, else the type (an enum, a domain, an
   * extension's) it is cast back to, kept as text so that the migration may drop the type.
   */
  textTypes: string[];
}

const kept = (entry: ArchiveEntry) =>
  entry.columns.map((column, index) =>
    entry.textTypes[index] ? `${quoteIdentifier(column)}::text AS ${quoteIdentifier(column)}` : quoteIdentifier(column),
  );

const putBack = (entry: ArchiveEntry, column: string) => {
  const type = entry.textTypes[entry.columns.indexOf(column)];
  return type ? `a.${quoteIdentifier(column)}::${type}` : `a.${quoteIdentifier(column)}`;
};

/** Keep what `entry` names: a copy of the rows, and its registry row with their count and size. */
export function captureSql(schema: string, entry: ArchiveEntry, retentionSeconds: number): string {
  const archive = qualifiedName(schema, entry.archiveTable);
  const source = qualifiedName(entry.source.schema, entry.source.table);
  const array = (values: string[]) => `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
  return [
    `CREATE TABLE ${archive} AS SELECT ${kept(entry).join(', ')} FROM ${source}`,
    `INSERT INTO ${registry(schema)} (archive_table, run_id, migration, direction, kind, source_schema, source_table, source_column,
      key_columns, columns, text_types, sequence_columns, rows, bytes, expires_at)
    SELECT ${[entry.archiveTable, entry.runId, entry.migration, entry.direction, entry.kind, entry.source.schema, entry.source.table]
      .map(quoteLiteral)
      .join(', ')}, ${entry.source.column === undefined ? 'NULL' : quoteLiteral(entry.source.column)},
      ${array(entry.keyColumns)}, ${array(entry.columns)}, ${array(entry.textTypes)}, ${array(entry.sequenceColumns)},
      (SELECT count(*) FROM ${archive}), pg_total_relation_size(${quoteLiteral(archive)}),
      now() + make_interval(secs => ${Math.max(0, Math.floor(retentionSeconds))})`,
  ].join(';\n');
}

/**
 * A target a capture did not keep: `nothing` to lose (absent, empty, or a cast every value
 * survives), or `refused` (no key, over the limit: what a down makes again would come back empty).
 * Recorded so that a down knows the migration ran after a capture, and what it left out.
 */
export type PassedOutcome = 'nothing' | 'refused';

/** A registry row for a target not kept: no archive table, the reason for `refused`. */
export function passedSql(
  schema: string,
  entry: Pick<ArchiveEntry, 'runId' | 'migration' | 'direction' | 'kind' | 'source'>,
  outcome: PassedOutcome,
  reason: string | undefined,
  retentionSeconds: number,
): string {
  return `INSERT INTO ${registry(schema)} (outcome, reason, run_id, migration, direction, kind, source_schema, source_table, source_column,
    key_columns, columns, text_types, sequence_columns, rows, bytes, expires_at)
    VALUES (${[outcome, reason ?? null, entry.runId, entry.migration, entry.direction, entry.kind, entry.source.schema, entry.source.table]
      .map((value) => (value === null ? 'NULL' : quoteLiteral(value)))
      .join(', ')}, ${entry.source.column === undefined ? 'NULL' : quoteLiteral(entry.source.column)},
      '{}', '{}', '{}', '{}', 0, 0, now() + make_interval(secs => ${Math.max(0, Math.floor(retentionSeconds))}))`;
}

/**
 * Put an archive's rows back into the table the down (or the re-applied migration) made again, or
 * left standing (a TRUNCATE's or DELETE's): a table's rows inserted with their own identities (where
 * rows are there already, written since or by the migration applied again, a row holding a key or
 * another unique value keeps it); a column's values set row by row by key (rows deleted since stay
 * deleted; rows written since keep what they have). The registry counts the rows put back (not
 * when rows were there: see comparedCheckSql). The archive stays until checked and dropped.
 */
export function restoreSql(schema: string, entry: ArchiveEntry & { id: string }): string {
  const archive = qualifiedName(schema, entry.archiveTable);
  const source = qualifiedName(entry.source.schema, entry.source.table);
  const counted = (put: string) =>
    `DECLARE n bigint; BEGIN\n  ${put}\n  UPDATE ${registry(schema)} SET restored_at = now(), restored_rows = n WHERE id = ${Number(entry.id)};\nEND`;
  const count = 'GET DIAGNOSTICS n = ROW_COUNT;';
  if (entry.kind === 'column') {
    const on = entry.keyColumns.map((key) => `t.${quoteIdentifier(key)} = a.${quoteIdentifier(key)}`).join(' AND ');
    const column = entry.source.column!;
    return `DO ${dollarQuoted(counted(`UPDATE ${source} AS t SET ${quoteIdentifier(column)} = ${putBack(entry, column)} FROM ${archive} AS a WHERE ${on};\n  ${count}`))}`;
  }
  const insert =
    `INSERT INTO ${source} (${entry.columns.map(quoteIdentifier).join(', ')}) OVERRIDING SYSTEM VALUE ` +
    `SELECT ${entry.columns.map((column) => putBack(entry, column)).join(', ')} FROM ${archive} AS a`;
  const sequences = entry.sequenceColumns.map(
    (column) =>
      `SELECT setval(sequence::regclass, greatest(last, 1), last IS NOT NULL) FROM (SELECT pg_get_serial_sequence(${quoteLiteral(source)}, ` +
      `${quoteLiteral(column)}) AS sequence, (SELECT max(${quoteIdentifier(column)}) FROM ${source})::bigint AS last) AS s WHERE sequence IS NOT NULL`,
  );
  const put = `IF EXISTS (SELECT FROM ${source}) THEN\n    ${insert} ON CONFLICT DO NOTHING;\n  ELSE\n    ${insert};\n    ${count}\n  END IF;`;
  return [`DO ${dollarQuoted(counted(put))}`, ...sequences].join(';\n');
}

/**
 * After a restore that counted the rows it put back: how many archived rows are not back. None
 * differ: the values put back are the archive's (unless a trigger or a rule of the table changed
 * them: the caller compares those, see rewritesWritesSql). No row when the restore did not count.
 */
export function countedCheckSql(schema: string, entry: { id: string }): string {
  return (
    `SELECT (rows - restored_rows)::text AS missing, '0' AS differing FROM ${registry(schema)} ` +
    `WHERE id = ${Number(entry.id)} AND restored_rows IS NOT NULL`
  );
}

/**
 * After the restore: how many archived rows are not back (deleted since, or not restored), and how
 * many values differ from the archive's (changed since), compared as text.
 */
export function comparedCheckSql(schema: string, entry: ArchiveEntry): string {
  const archive = qualifiedName(schema, entry.archiveTable);
  const source = qualifiedName(entry.source.schema, entry.source.table);
  if (entry.keyColumns.length === 0) {
    // Without a key (a table kept whole) rows cannot be paired: their number is what is checked.
    return `SELECT greatest((SELECT count(*) FROM ${archive}) - (SELECT count(*) FROM ${source}), 0)::text AS missing, '0' AS differing`;
  }
  const compared = entry.kind === 'column' ? [entry.source.column!] : entry.columns;
  const archived = `ROW(${compared.map((column) => putBack(entry, column)).join(', ')})::text`;
  const now = `ROW(${compared.map((column) => `t.${quoteIdentifier(column)}`).join(', ')})::text`;
  const on = entry.keyColumns.map((key) => `t.${quoteIdentifier(key)} = a.${quoteIdentifier(key)}`).join(' AND ');
  const present = `t.${quoteIdentifier(entry.keyColumns[0])} IS NOT NULL`;
  return (
    `SELECT count(*) FILTER (WHERE NOT ${present})::text AS missing, ` +
    `count(*) FILTER (WHERE ${present} AND ${now} IS DISTINCT FROM ${archived})::text AS differing ` +
    `FROM ${archive} AS a LEFT JOIN ${source} AS t ON ${on}`
  );
}

/** Whether a trigger or a rule of `table` may change what a statement writes into it. */
export function rewritesWritesSql(table: { schema: string; table: string }): string {
  const relation = `to_regclass(${quoteLiteral(qualifiedName(table.schema, table.table))})`;
  return (
    `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ${relation} AND NOT tgisinternal) ` +
    `OR EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = ${relation} AND rulename <> '_RETURN') AS rewrites`
  );
}

/**
 * Before a new capture for `migration` in `direction`: the archives an earlier capture for it kept
 * that nothing has put back yet are gone with their registry rows. Their run was cut off before its
 * migration (or down) ran, or ran it again since: the new capture keeps what is there now.
 */
export function supersedeSql(schema: string, migration: string, direction: ArchiveDirection): string {
  const earlier =
    `FROM ${registry(schema)} WHERE migration = ${quoteLiteral(migration)} AND direction = ${quoteLiteral(direction)} ` +
    `AND restored_at IS NULL AND purged_at IS NULL`;
  return `DO ${dollarQuoted(`DECLARE archive text; BEGIN
  FOR archive IN SELECT archive_table ${earlier} AND archive_table IS NOT NULL LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I.%I', ${quoteLiteral(schema)}, archive);
  END LOOP;
  DELETE ${earlier};
END`)}`;
}

/** Drop the archives that expired before `now`, keeping their registry rows as a record. */
export function purgeSql(schema: string, archiveTables: readonly string[]): string {
  return [
    ...archiveTables.map((table) => `DROP TABLE IF EXISTS ${qualifiedName(schema, table)}`),
    `UPDATE ${registry(schema)} SET purged_at = now() WHERE archive_table IN (${archiveTables.map(quoteLiteral).join(', ')})`,
  ].join(';\n');
}
