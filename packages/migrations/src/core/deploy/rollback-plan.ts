import { ForgeError } from '../errors';
import { migrationChecksum } from '../migration-folders';
import { isVersion, type VersionedMigration } from '../schema-version';
import { readOperations } from '../safety/operations';
import type { SqlParser } from '../sql/parser';
import type { TestReport } from '../test-report';

export type RollbackSelector = { steps: number } | { to: string } | { toVersion: string };

interface Migration {
  name: string;
  down?: { kind: 'script' | 'irreversible'; sql: string; reason?: string };
}

/**
 * The applied migrations a rollback undoes, newest first: the last `steps`, those after `to`, or
 * those after the last migration of version `toVersion`. Refused, naming the input, when the
 * selection is empty or names what is not applied.
 */
export function migrationsToUndo<T extends Migration>(
  history: readonly T[],
  applied: ReadonlyMap<string, unknown>,
  selector: RollbackSelector,
  versions: readonly VersionedMigration[],
): T[] {
  const inEffect = history.filter((migration) => applied.has(migration.name));
  if (inEffect.length === 0)
    throw refused('No migration is applied to this database: there is nothing to roll back.', 'See nx run <project>:migrate-status.');
  let keep: number;
  if ('steps' in selector) {
    if (!Number.isInteger(selector.steps) || selector.steps < 1)
      throw refused(
        `--steps must be a whole number of at least 1, not ${selector.steps}.`,
        'Give --steps=1 to roll back the latest migration.',
      );
    if (selector.steps > inEffect.length)
      throw refused(
        `--steps=${selector.steps} asks for more than the ${inEffect.length} applied migration${inEffect.length > 1 ? 's' : ''}.`,
        `Give --steps=${inEffect.length} to roll back every one.`,
      );
    keep = inEffect.length - selector.steps;
  } else if ('to' in selector) {
    keep = inEffect.findIndex((migration) => migration.name === selector.to) + 1;
    if (keep === 0) {
      const known = history.some((migration) => migration.name === selector.to);
      throw refused(
        `--to=${selector.to}: ${known ? 'that migration is not applied to this database' : 'there is no migration of that name in the migrations folder'}.`,
        `Name an applied migration: ${inEffect.map((migration) => migration.name).join(', ')}.`,
      );
    }
  } else {
    keep = keptForVersion(inEffect, versions, selector.toVersion);
  }
  const undo = inEffect.slice(keep).reverse();
  if (undo.length === 0)
    throw refused(
      `${'to' in selector ? selector.to : 'toVersion' in selector ? selector.toVersion : 'that'} is already the latest applied: there is nothing to roll back.`,
      'Name an earlier migration or version.',
    );
  return undo;
}

function keptForVersion(inEffect: readonly Migration[], versions: readonly VersionedMigration[], version: string): number {
  if (!isVersion(version)) throw refused(`--toVersion=${version} is not a version (X.Y.Z).`, 'DATABASE_VERSION.md lists the versions.');
  if (version === '0.0.0') return 0;
  const match = [...versions].reverse().find((migration) => migration.version === version);
  if (!match)
    throw refused(
      `--toVersion=${version}: no migration leaves the schema at that version.`,
      `The versions are: ${[...new Set(versions.map((migration) => migration.version))].join(', ') || 'none'} (DATABASE_VERSION.md).`,
    );
  const keep = inEffect.findIndex((migration) => migration.name === match.name) + 1;
  if (keep === 0)
    throw refused(
      `--toVersion=${version} is ${match.name}, which is not applied to this database: it is older than that version.`,
      'Deploy to reach a newer version; roll back only to an older one.',
    );
  return keep;
}

/** What undoing one migration does, shown before anything happens. */
export interface UndoImpact {
  name: string;
  version: string;
  down: 'script' | 'irreversible' | 'missing';
  /** Why the down cannot run, when it cannot. */
  reason?: string;
  /** What the down removes: tables, columns, types, rows. */
  drops: Array<{ what: string; table?: string; column?: string }>;
  /** Live rows (or values, for a column) each drop loses, filled in from the database. */
  rows: Record<string, number>;
  /** Whether migrate-test proved this down.sql. */
  verified: string;
}

export interface RollbackImpact {
  database: string;
  environment: string;
  fromVersion: string;
  toVersion: string;
  migrations: UndoImpact[];
}

export function undoImpact(
  parser: SqlParser,
  migration: Migration,
  versions: readonly VersionedMigration[],
  testReport: TestReport | undefined,
): UndoImpact {
  const version = versions.find((versioned) => versioned.name === migration.name)?.version ?? '?';
  const down = migration.down?.kind ?? 'missing';
  return {
    name: migration.name,
    version,
    down,
    reason: migration.down?.kind === 'irreversible' ? migration.down.reason : migration.down ? undefined : 'it has no down.sql',
    drops: migration.down?.kind === 'script' ? dropsOf(parser, migration.down.sql) : [],
    rows: {},
    verified: verification(migration, testReport),
  };
}

function dropsOf(parser: SqlParser, sql: string): UndoImpact['drops'] {
  let operations;
  try {
    operations = readOperations(parser, sql);
  } catch {
    return [{ what: 'down.sql does not parse: it will fail' }];
  }
  return operations.flatMap(({ operation }) => {
    switch (operation.kind) {
      case 'drop_table':
        return [{ what: `drops table ${operation.table}`, table: operation.table }];
      case 'drop_column':
        return [{ what: `drops column ${operation.table}.${operation.column}`, table: operation.table, column: operation.column }];
      case 'truncate':
        return [{ what: `empties table ${operation.table}`, table: operation.table }];
      case 'delete':
        return [{ what: `deletes ${operation.hasWhere ? 'some' : 'every'} row of ${operation.table}`, table: operation.table }];
      case 'drop_type':
        return [{ what: `drops type ${operation.type}` }];
      case 'drop_index':
        return [{ what: `drops index ${operation.name}` }];
      default:
        return [];
    }
  });
}

function verification(migration: Migration, report: TestReport | undefined): string {
  if (!migration.down || migration.down.kind !== 'script') return 'no down to verify';
  const tested = report?.migrations.find((result) => result.name === migration.name);
  if (!report || !tested) return 'not verified: no migrate-test report covers it';
  if (tested.downChecksum && tested.downChecksum !== migrationChecksum(migration.down.sql))
    return `not verified: down.sql changed since migrate-test ran (${report.startedAt})`;
  if (tested.down === 'verified') return `verified by migrate-test on ${report.engine} (${report.startedAt})`;
  return `not verified: migrate-test said ${tested.down}${tested.downDetails.length ? ` (${tested.downDetails[0]})` : ''}`;
}

/** The impact as printed before the confirmation. */
export function renderImpact(impact: RollbackImpact): string[] {
  const lines = [
    `Rollback of ${impact.database} (${impact.environment}) from schema ` +
      `version ${impact.fromVersion} to ${impact.toVersion}: ${impact.migrations.length} ` +
      `migration${impact.migrations.length > 1 ? 's' : ''}, newest first:`,
  ];
  for (const migration of impact.migrations) {
    lines.push(
      `  - ${migration.name} (version ${migration.version}): ` +
        `${migration.down === 'script' ? 'down.sql' : `CANNOT be undone: ${migration.reason}`}; ` +
        `${migration.verified}`,
    );
    for (const drop of migration.drops) {
      const rows = drop.table !== undefined ? migration.rows[dropKey(drop)] : undefined;
      lines.push(
        `      ${drop.what}${
          rows === undefined
            ? ''
            : ` — ${rows} live ` + `${drop.column ? `row${rows === 1 ? '' : 's'} with a value` : `row${rows === 1 ? '' : 's'}`} lost`
        }`,
      );
    }
  }
  lines.push(
    '  A verified backup is taken first; each down runs with the marking of its migration as rolled back, in one transaction where the down allows it.',
  );
  return lines;
}

/** The key of a drop's live row count in `UndoImpact.rows`. */
export function dropKey(drop: { table?: string; column?: string }): string {
  return drop.column ? `${drop.table}.${drop.column}` : (drop.table ?? '');
}

function refused(message: string, hint: string): ForgeError {
  return new ForgeError('ROLLBACK_REFUSED', `${message} Nothing was rolled back.`, hint);
}
