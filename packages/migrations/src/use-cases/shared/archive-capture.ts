import {
  type ArchiveDirection,
  type ArchiveEntry,
  archiveSchema,
  captureSql,
  createRegistry,
  supersedeSql,
  type PassedOutcome,
  passedSql,
} from '../../core/archive/archive-sql';
import { type ArchiveTarget, describeTarget, lostRowsCondition } from '../../core/archive/archive-targets';
import { CURRENT_SCOPE } from '../../core/sql/bookkeeping';
import { canonicalSqlType, isSafeCast } from '../../core/sql/prisma-types';
import { quotedName } from '../../core/sql/qualified-name';
import type { SqlRunner } from '../../adapters/db/database';
import { DEPLOY_DEFAULTS } from '../../defaults';
import { withCascadedTargets } from './archive-cascades';

export interface ArchivePolicy {
  /** How long archives are kept, in seconds. */
  retentionSeconds: number;
  /** Tables larger than this (bytes) are not archived: the backup is their way back. */
  maxBytes: number;
}

/** The policy the options name (`archiveRetentionDays`, `archiveLimitMb`), the deploy's defaults for what they leave out. */
export function archivePolicy(options: { archiveRetentionDays?: number; archiveLimitMb?: number } = {}): ArchivePolicy {
  return {
    retentionSeconds: (options.archiveRetentionDays ?? DEPLOY_DEFAULTS.archiveRetentionDays) * 86_400,
    maxBytes: (options.archiveLimitMb ?? DEPLOY_DEFAULTS.archiveLimitMb) * 1024 * 1024,
  };
}

export interface CaptureOutcome {
  kept: ArchiveEntry[];
  /** What would be lost that no archive keeps, and why. */
  notKept: string[];
}

type Passed = {
  entry: Pick<ArchiveEntry, 'runId' | 'migration' | 'direction' | 'kind' | 'source'>;
  outcome: PassedOutcome;
  reason?: string;
};

const schemas = new WeakMap<SqlRunner, Promise<string>>();

/** The archive schema of the connection's venture (its scope is set when it connects: read once). */
export function ventureArchiveSchema(database: SqlRunner): Promise<string> {
  let schema = schemas.get(database);
  if (!schema) {
    schema = database.query<{ scope: string }>(`SELECT ${CURRENT_SCOPE} AS scope`).then(([{ scope }]) => archiveSchema(scope));
    schemas.set(database, schema);
  }
  return schema;
}

/**
 * Before `migration` (or its down) runs: keep what its `targets` would destroy (with what they
 * take along through foreign keys), all in one transaction, in place of what an earlier capture
 * for it kept and nothing put back (see supersedeSql). What does not exist yet holds nothing and
 * is passed over; a type change every value survives needs no archive. `log` hears what is
 * archived, as it starts.
 */
export async function captureBefore(
  database: SqlRunner,
  targets: readonly ArchiveTarget[],
  run: { runId: string; migration: string; direction: ArchiveDirection },
  policy: ArchivePolicy,
  log: (line: string) => void = () => undefined,
): Promise<CaptureOutcome> {
  const outcome: CaptureOutcome = { kept: [], notKept: [] };
  if (targets.length === 0) return outcome;
  const passed: Passed[] = [];
  const cascaded = await withCascadedTargets(database, targets);
  const lost = await losesRows(database, cascaded);
  for (const [index, target] of cascaded.entries()) {
    const found = lost[index];
    const source = { schema: found?.schema ?? target.table.schema ?? '', table: found?.table ?? target.table.name };
    const record = {
      ...run,
      kind: target.kind === 'column' ? ('column' as const) : ('table' as const),
      source: target.kind === 'column' ? { ...source, column: target.column } : source,
    };
    const refuse = (reason: string) => {
      outcome.notKept.push(`${describeTarget(target)}: ${reason}`);
      passed.push({ entry: record, outcome: 'refused', reason });
    };
    const facts = found?.hasRows ? await tableFacts(database, target) : undefined;
    const entry = facts ? archiveEntry(target, facts, { ...run, archiveTable: archiveTableName(run, index) }) : '';
    if (entry === '') passed.push({ entry: record, outcome: 'nothing' });
    else if (typeof entry === 'string') refuse(entry);
    else if (facts!.bytes > policy.maxBytes) refuse(`${facts!.bytes} bytes, over the archive limit of ${policy.maxBytes}`);
    else outcome.kept.push(entry);
  }
  const schema = await ventureArchiveSchema(database);
  if (outcome.kept.length)
    log(
      `${run.migration}: archiving ${outcome.kept.map(describeEntry).join(', ')} into ${schema} before its ${run.direction === 'up' ? 'migration' : 'down'}`,
    );
  await database.executeScript(
    [
      createRegistry(schema),
      supersedeSql(schema, run.migration, run.direction),
      ...outcome.kept.map((entry) => captureSql(schema, entry, policy.retentionSeconds)),
      ...passed.map(({ entry, outcome: passedOutcome, reason }) =>
        passedSql(schema, entry, passedOutcome, reason, policy.retentionSeconds),
      ),
    ].join(';\n'),
  );
  return outcome;
}

const describeEntry = (entry: ArchiveEntry) =>
  `${entry.kind} ${[entry.source.schema, entry.source.table, entry.source.column].filter(Boolean).join('.')}`;

interface TableFacts {
  schema: string;
  table: string;
  bytes: number;
  /** `builtin`: a type of PostgreSQL's own catalog (or an array of one). */
  columns: Array<{ name: string; type: string; builtin: boolean; generated: boolean; sequence: boolean }>;
  key: string[] | null;
}

const TABLE_FACTS = `
  SELECT n.nspname AS schema, c.relname AS table, pg_table_size(c.oid)::text AS bytes,
    (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
       'builtin', (SELECT coalesce(e.typnamespace, t.typnamespace) = 'pg_catalog'::regnamespace
                   FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typlen = -1 WHERE t.oid = a.atttypid),
       'generated', a.attgenerated <> '', 'sequence', pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL)
       ORDER BY a.attnum)
     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT array_agg(a.attname::text ORDER BY k.ord)
     FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
     GROUP BY i.indexrelid, i.indisprimary HAVING bool_and(a.attnotnull)
     ORDER BY i.indisprimary DESC, count(*) LIMIT 1) AS key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`;

async function tableFacts(database: SqlRunner, target: ArchiveTarget): Promise<TableFacts | undefined> {
  const [row] = await database.query<Omit<TableFacts, 'bytes'> & { bytes: string }>(TABLE_FACTS, [quotedName(target.table)]);
  return row && { ...row, bytes: Number(row.bytes), columns: row.columns ?? [] };
}

const TABLES_COLUMNS = `
  SELECT t.index::int - 1 AS index, n.nspname AS schema, c.relname AS table,
    array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
  FROM unnest($1::text[]) WITH ORDINALITY AS t(name, index)
  JOIN pg_class c ON c.oid = to_regclass(t.name) AND c.relkind IN ('r', 'p')
  JOIN pg_namespace n ON n.oid = c.relnamespace`;

/**
 * For each target, the table it names and whether a row of it holds what the target would lose
 * (undefined where there is no such table): two light queries for all, so that a table's facts
 * are read only where there is something to keep (a history deployed into an empty database drops
 * from empty tables only).
 */
async function losesRows(
  database: SqlRunner,
  targets: readonly ArchiveTarget[],
): Promise<Array<{ schema: string; table: string; hasRows: boolean } | undefined>> {
  const tables = await database.query<{ index: number; schema: string; table: string; columns: string[] }>(TABLES_COLUMNS, [
    targets.map((target) => quotedName(target.table)),
  ]);
  const found: Array<{ schema: string; table: string; hasRows: boolean } | undefined> = targets.map(() => undefined);
  if (tables.length === 0) return found;
  const exists = tables.map(({ index, schema, table, columns }) => {
    const target = targets[index];
    const lost = target.kind === 'column' && columns.includes(target.column) && lostRowsCondition(target);
    return `EXISTS (SELECT 1 FROM ${quotedName({ schema, name: table })}${lost ? ` WHERE ${lost}` : ''}) AS "${index}"`;
  });
  const [any] = await database.query<Record<string, boolean>>(`SELECT ${exists.join(', ')}`);
  for (const { index, schema, table } of tables) found[index] = { schema, table, hasRows: any[String(index)] };
  return found;
}

/** The archive of a target, or why there is none ('' when nothing is lost: absent, or a cast every value survives). */
function archiveEntry(
  target: ArchiveTarget,
  facts: TableFacts,
  run: { runId: string; migration: string; direction: ArchiveDirection; archiveTable: string },
): ArchiveEntry | string {
  const stored = facts.columns.filter((column) => !column.generated);
  const base = { ...run, source: { schema: facts.schema, table: facts.table }, keyColumns: facts.key ?? [] };
  const sequenceColumns = stored.filter((column) => column.sequence).map((column) => column.name);
  const textTypes = (columns: typeof stored) => columns.map((column) => (column.builtin ? '' : column.type));
  if (target.kind !== 'column')
    return { ...base, kind: 'table', columns: stored.map((column) => column.name), textTypes: textTypes(stored), sequenceColumns };
  const column = stored.find((candidate) => candidate.name === target.column);
  const refused = columnRefusal(target, facts);
  if (!column || !facts.key || refused !== undefined) return refused ?? '';
  return {
    ...base,
    kind: 'column',
    source: { ...base.source, column: column.name },
    columns: [...facts.key, column.name],
    textTypes: textTypes([...facts.key.map((key) => stored.find((candidate) => candidate.name === key)!), column]),
    sequenceColumns: [],
  };
}

/** Why a column's values cannot be archived ('' when nothing is lost), or undefined when they can. */
function columnRefusal(target: ArchiveTarget & { kind: 'column' }, facts: TableFacts): string | undefined {
  const column = facts.columns.find((candidate) => candidate.name === target.column && !candidate.generated);
  if (!column) return '';
  if (target.retypedTo && target.using !== 'expression' && isSafeCast(canonicalSqlType(column.type), canonicalSqlType(target.retypedTo)))
    return '';
  if (!facts.key) return `${facts.table} has no primary key or unique key of NOT NULL columns to find its rows again by`;
  if (facts.key.includes(column.name)) return `it is part of the key its rows would be found again by`;
  return undefined;
}

/**
 * Whether a deploy could archive what `target` names, judged on the schema alone (rows and size
 * aside): for a down that makes it again, which the archive then fills.
 */
export async function canArchive(database: SqlRunner, target: ArchiveTarget): Promise<boolean> {
  if (target.kind !== 'column') return true;
  const facts = await tableFacts(database, target);
  return facts !== undefined && columnRefusal(target, facts) === undefined;
}

/** Readable and unique: the migration, the target's place in it, the run. */
function archiveTableName(run: { runId: string; migration: string; direction: ArchiveDirection }, index: number): string {
  return `${run.migration.slice(0, 40)}_${run.direction}${index + 1}_${run.runId.replace(/-/g, '').slice(0, 8)}`;
}
