import { analyzeHistory, type Finding } from './safety/analyze';
import { readOperations } from './safety/operations';
import { type SqlParser, SqlSyntaxError } from './sql/parser';

export type VersionBump = 'major' | 'minor' | 'patch';

/** The schema version a migration leaves, and why it bumps what it bumps. */
export interface VersionedMigration {
  name: string;
  version: string;
  bump: VersionBump;
  reason: string;
}

export const INITIAL_VERSION = '0.0.0';

const ADDITIVE: Record<string, string> = {
  create_table: 'tables',
  add_column: 'columns',
  create_index: 'indexes',
  create_enum: 'enums',
  add_enum_value: 'enum values',
};

/**
 * The semantic version of the schema after each migration of a history, from 0.0.0 before the
 * first: major for a destructive or backward-incompatible change (the safety analysis's findings,
 * waived or approved or not: an approval does not make a change compatible), minor for an
 * additive one, patch for anything else. `findings`: the history's analysis, when the caller has it.
 */
export function schemaVersions(
  parser: SqlParser,
  migrations: ReadonlyArray<{ name: string; sql: string }>,
  findings: ReadonlyArray<readonly Finding[]> = analyzeHistory(parser, migrations),
): VersionedMigration[] {
  let [major, minor, patch] = [0, 0, 0];
  return migrations.map((migration, index) => {
    const breaking = findings[index].filter((finding) => finding.family === 'destructive' || finding.family === 'backward-incompatible');
    const added = additions(parser, migration.sql);
    let bump: VersionBump;
    let reason: string;
    if (breaking.length) {
      [major, minor, patch, bump] = [major + 1, 0, 0, 'major'];
      reason = [...new Set(breaking.map((finding) => `${finding.code} ${finding.title}`))].join('; ');
    } else if (added.length) {
      [minor, patch, bump] = [minor + 1, 0, 'minor'];
      reason = `adds ${[...new Set(added)].join(', ')}`;
    } else {
      [patch, bump] = [patch + 1, 'patch'];
      reason = 'neither removes, breaks nor adds';
    }
    return { name: migration.name, version: `${major}.${minor}.${patch}`, bump, reason };
  });
}

/** The version after the last of `applied` (names), in history order; 0.0.0 when none is. */
export function versionOf(versions: readonly VersionedMigration[], applied: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
  const last = [...versions].reverse().find((migration) => applied.has(migration.name));
  return last?.version ?? INITIAL_VERSION;
}

export function isVersion(text: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(text);
}

/** DATABASE_VERSION.md: the schema's version now, and how each migration moved it. */
export function databaseVersionMarkdown(project: string, versions: readonly VersionedMigration[]): string {
  const current = versions.at(-1)?.version ?? INITIAL_VERSION;
  const lines = [
    `# ${project}: database schema version ${current}`,
    '',
    'Kept by the migration generator and `nx run ' +
      project +
      ':migrate-status` from the migrations; do not edit. Major: a destructive or backward-incompatible change; minor: an additive one; patch: anything else.',
    '`nx run ' + project + ':migrate-rollback --toVersion X.Y.Z` rolls a database back to a version.',
    '',
    '| version | migration | change | why |',
    '|---|---|---|---|',
    ...[...versions]
      .reverse()
      .map((migration) => `| ${migration.version} | ${migration.name} | ${migration.bump} | ${migration.reason.replace(/\|/g, '\\|')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function additions(parser: SqlParser, sql: string): string[] {
  try {
    return readOperations(parser, sql)
      .map(({ operation }) => ADDITIVE[operation.kind])
      .filter((what): what is string => what !== undefined);
  } catch (error) {
    if (error instanceof SqlSyntaxError) return [];
    throw error;
  }
}
