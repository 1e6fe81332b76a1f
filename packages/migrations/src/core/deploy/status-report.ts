import type { VersionedMigration } from '../schema-version';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'rolled back';

/** What `migrate-status` reports, as text or JSON. */
export interface StatusReport {
  project: string;
  environment: string;
  database: string;
  /** Nothing pending, failed, edited or drifted. */
  ok: boolean;
  migrations: Array<{ name: string; state: MigrationState; version: string; at?: string; edited?: boolean }>;
  /** Applied to the database, missing from the migrations folder. */
  unknownApplied: string[];
  drift: { checked: boolean; clean: boolean; sql: string; error?: string };
  schemaVersion: { database: string; migrations: string };
  /** The versions the deploy history recorded, newest first. */
  versionHistory: Array<{ at: string; version: string; event: string }>;
  lastRun?: { at: string; event: string; error?: string };
  deployRunning: boolean;
  /** What deploys archived and no rollback has put back yet: a rollback brings it back until it expires. */
  archives: Array<{ migration: string; what: string; rows: number; bytes: number; createdAt: string; expiresAt: string }>;
  versions: { postgres: string; engine: string; node: string; plugin: string };
}

interface Row {
  migration_name: string;
  finished_at: string | null;
  rolled_back_at: string | null;
  started_at: string;
  checksum: string;
}

/** Each migration's state from its latest `_prisma_migrations` row, as Prisma reads them. */
export function migrationStates(
  history: ReadonlyArray<{ name: string; checksum: string }>,
  rows: readonly Row[],
  versions: readonly VersionedMigration[],
): StatusReport['migrations'] {
  const latest = new Map<string, Row>();
  for (const row of rows) {
    const seen = latest.get(row.migration_name);
    // A live row wins over rolled-back ones; among equals, the latest started.
    if (
      !seen ||
      (seen.rolled_back_at !== null && row.rolled_back_at === null) ||
      ((seen.rolled_back_at === null) === (row.rolled_back_at === null) && row.started_at > seen.started_at)
    )
      latest.set(row.migration_name, row);
  }
  return history.map((migration, index) => {
    const row = latest.get(migration.name);
    const version = versions[index]?.version ?? '?';
    if (!row) return { name: migration.name, state: 'pending', version };
    if (row.rolled_back_at !== null) return { name: migration.name, state: 'rolled back', version, at: row.rolled_back_at };
    if (row.finished_at === null) return { name: migration.name, state: 'failed', version, at: row.started_at };
    return {
      name: migration.name,
      state: 'applied',
      version,
      at: row.finished_at,
      ...(row.checksum !== migration.checksum ? { edited: true } : {}),
    };
  });
}

export function isHealthy(report: Pick<StatusReport, 'migrations' | 'drift'>): boolean {
  return report.migrations.every((migration) => migration.state === 'applied' && !migration.edited) && report.drift.clean;
}

const MARKS: Record<MigrationState, string> = { applied: '✓', pending: '…', failed: '✗', 'rolled back': '↺' };

export function renderStatus(report: StatusReport): string[] {
  const count = (state: MigrationState) => report.migrations.filter((migration) => migration.state === state).length;
  const width = Math.max(0, ...report.migrations.map((migration) => migration.name.length));
  const lines = [
    `${report.project} (${report.environment}) on ${report.database}${report.deployRunning ? ' — a deploy or rollback is running now' : ''}`,
    `schema version ${report.schemaVersion.database}` +
      `${report.schemaVersion.database === report.schemaVersion.migrations ? '' : ` (the migrations folder is at ${report.schemaVersion.migrations})`}`,
    `${count('applied')} applied, ${count('pending')} pending, ${count('failed')} failed, ${count('rolled back')} rolled back`,
    ...report.migrations.map((migration) =>
      (
        `  ${MARKS[migration.state]} ${migration.state.padEnd(11)} ` +
        `${migration.name.padEnd(width)}  ${migration.version.padEnd(7)} ` +
        `${migration.at ?? ''}${migration.edited ? '  EDITED since it was applied' : ''}`
      ).trimEnd(),
    ),
  ];
  if (report.unknownApplied.length)
    lines.push(`applied to the database, not in the migrations folder: ${report.unknownApplied.join(', ')}`);
  if (!report.drift.checked) lines.push(`drift: not checked (${report.drift.error})`);
  else if (report.drift.clean) lines.push('drift: none');
  else
    lines.push(
      'drift: the live database differs from its migrations; this SQL would bring the migrations to it:',
      ...report.drift.sql
        .trim()
        .split('\n')
        .map((line) => `  | ${line}`),
    );
  if (report.archives.length) lines.push('archives (a rollback of their migration brings them back):', ...report.archives.map(archiveLine));
  if (report.lastRun)
    lines.push(
      `last run: ${report.lastRun.event} at ${report.lastRun.at}${report.lastRun.error ? `: ${report.lastRun.error.split('\n')[0]}` : ''}`,
    );
  const { postgres, engine, node, plugin } = report.versions;
  lines.push(`versions: ${postgres}; Prisma schema engine ${engine}; Node ${node}; @forge/migrations ${plugin}`);
  return lines;
}

export function archiveLine(archive: StatusReport['archives'][number]): string {
  const size = archive.bytes < 1024 * 1024 ? `${Math.ceil(archive.bytes / 1024)} kB` : `${(archive.bytes / 1024 / 1024).toFixed(1)} MB`;
  return `  ${archive.what} of ${archive.migration}: ${archive.rows} rows, ${size}, kept until ${archive.expiresAt}`;
}
