import type { ChangePlan } from '../changes/change-plan';
import type { Datamodel } from '../schema/datamodel';
import { type AssessedFinding, describeImpact } from '../safety/impact';
import { attributeChanges, erDiagram } from './er-diagram';

/** Everything a migration's README.md says, computed before the template renders it. */
export interface MigrationDocs {
  folder: string;
  title: string;
  createdAt: string;
  mode: 'descriptor' | 'schema';
  /** The descriptor as given, pretty-printed (descriptor mode). */
  descriptor?: string;
  summary: string[];
  beforeDiagram: string;
  afterDiagram: string;
  up: string;
  down: string;
  irreversible: string[];
  breaking: string[];
  /** Runs outside a transaction (CREATE INDEX CONCURRENTLY and the like). */
  nonTransactional: boolean;
  /** Has a data step (data-migration.ts) to run after its SQL. */
  dataStep: boolean;
  risk: MigrationRisk;
  rollback: string[];
  runbook: Array<{ title: string; commands: string[] }>;
  findings: Array<{ code: string; severity: string; line: number; message: string; impact: string; waived?: string; evidence?: string }>;
  /** Where the lock evidence of the findings comes from, or why there is none. */
  lockEvidence: string;
  /** Who approved the data loss, when one was approved. */
  approval?: string;
  /** A JSON line for tools (the MIGRATIONS.md index). */
  meta: string;
}

export type MigrationRisk = 'data loss' | 'breaking' | 'locks' | 'low';

export interface DocsInput {
  folder: string;
  project: string;
  migrationsPath: string;
  createdAt: Date;
  descriptor?: unknown;
  plan?: ChangePlan;
  before: Datamodel;
  after: Datamodel;
  up: string;
  down: string;
  irreversible: string[];
  /** What the up drops that migrate-deploy archives first, for the down to bring back (e.g. `column users.name`). */
  archived: string[];
  nonTransactional: boolean;
  dataStep: boolean;
  findings: Array<AssessedFinding & { evidence?: string }>;
  lockEvidence: string;
}

export function migrationDocs(input: DocsInput): MigrationDocs {
  const marks = attributeChanges(input.before, input.after);
  const focus = input.plan?.affectedModels.length ? input.plan.affectedModels : changedModels(marks.after, marks.before);
  const breaking = input.plan?.breaking ?? schemaModeBreaking(marks.before);
  const risk = riskOf(input, breaking);
  const summary = input.plan?.summary ?? schemaModeSummary(marks.after, marks.before);
  const dir = `${input.migrationsPath}/${input.folder}`;
  return {
    folder: input.folder,
    title: input.folder.replace(/^\d{14}_/, '').replace(/_/g, ' '),
    createdAt: input.createdAt.toISOString(),
    mode: input.descriptor ? 'descriptor' : 'schema',
    descriptor: input.descriptor ? JSON.stringify(input.descriptor, null, 2) : undefined,
    summary,
    beforeDiagram: erDiagram(
      input.before,
      focus.filter((name) => input.before.models.some((m) => m.name === name)),
      marks.before,
    ),
    afterDiagram: erDiagram(input.after, focus, marks.after),
    up: input.up.trim(),
    down: input.down.trim(),
    irreversible: input.irreversible,
    breaking,
    nonTransactional: input.nonTransactional,
    dataStep: input.dataStep,
    risk,
    findings: input.findings.map((finding) => ({
      code: finding.code,
      severity: finding.severity,
      line: finding.line,
      message: finding.message,
      impact: describeImpact(finding.impact),
      waived: finding.waived,
      evidence: finding.evidence,
    })),
    lockEvidence: input.lockEvidence,
    approval: undefined,
    rollback: rollbackSteps(input, dir),
    runbook: runbook(input, dir),
    meta: JSON.stringify({
      change: summary.join('; '),
      reversible: input.irreversible.length === 0,
      risk,
      codes: [...new Set(input.findings.filter((finding) => !finding.waived).map((finding) => finding.code))],
    }),
  };
}

function riskOf(input: DocsInput, breaking: string[]): MigrationRisk {
  const active = input.findings.filter((finding) => !finding.waived);
  if (input.irreversible.length || active.some((finding) => finding.family === 'destructive')) return 'data loss';
  if (breaking.length || active.some((finding) => finding.family === 'backward-incompatible')) return 'breaking';
  if (active.some((finding) => finding.family === 'locking' && finding.severity !== 'info')) return 'locks';
  return 'low';
}

function rollbackSteps(input: DocsInput, dir: string): string[] {
  if (input.irreversible.length) {
    return [
      `This migration cannot be undone by a script: ${input.irreversible.join('; ')}.`,
      'Restore the backup taken before the deploy (see the runbook), then mark the migration rolled back.',
    ];
  }
  const archived = input.archived.length
    ? [
        `What it drops (${input.archived.join(', ')}) is archived by \`nx run ${input.project}:migrate-deploy\` before it runs, and ` +
          `\`nx run ${input.project}:migrate-rollback\` puts the values back with the down, while the archive is kept ` +
          `(\`archiveRetentionDays\`, 7 by default). The down run by hand makes the schema again without the values: restore them from the backup.`,
      ]
    : [];
  return [
    ...archived,
    `Run \`${dir}/down.sql\`, then mark the migration rolled back in \`_prisma_migrations\` (see the runbook), so that a later deploy applies it again.`,
    'Deploy the application version that matches the schema before this migration.',
  ];
}

function runbook(input: DocsInput, dir: string): Array<{ title: string; commands: string[] }> {
  const backup = `backup-before-${input.folder}.dump`;
  const psql = `psql "$DATABASE_URL" -v ON_ERROR_STOP=1${input.nonTransactional ? '' : ' --single-transaction'}`;
  // Prisma's `migrate resolve --rolled-back` only takes failed migrations: mark a finished one as Prisma would read it.
  const markRolledBack =
    `psql "$DATABASE_URL" -c "UPDATE _prisma_migrations SET rolled_back_at = now() ` +
    `WHERE migration_name = '${input.folder}' AND rolled_back_at IS NULL"`;
  return [
    {
      title: 'Back up, and check that the backup can be read',
      commands: [
        `pg_dump --format=custom --file=${backup} "$DATABASE_URL"`,
        `pg_restore --list ${backup} > /dev/null && echo "backup readable"`,
      ],
    },
    {
      title: `Apply${input.nonTransactional ? ' (it holds statements that cannot run in a transaction: do not add --single-transaction)' : ''}`,
      commands: [
        `npx prisma migrate deploy`,
        `# or by hand, then record it as Prisma would:`,
        `${psql} -f ${dir}/migration.sql`,
        `npx prisma migrate resolve --applied ${input.folder}`,
        ...(input.dataStep
          ? [`# then its data step (resumable: run it again after a crash):`, `nx run ${input.project}:migrate-deploy`]
          : []),
      ],
    },
    {
      title: 'Verify',
      commands: [
        `npx prisma migrate status`,
        `npx prisma migrate diff --from-config-datasource --to-schema prisma/schema.prisma --exit-code`,
      ],
    },
    {
      title: 'Roll back',
      commands: input.irreversible.length
        ? [`pg_restore --clean --if-exists --single-transaction --dbname "$DATABASE_URL" ${backup}`]
        : [`${psql} -f ${dir}/down.sql`, markRolledBack],
    },
  ];
}

function changedModels(...maps: Array<Map<string, unknown>>): string[] {
  return [...new Set(maps.flatMap((map) => [...map.keys()].map((key) => key.split('.')[0])))];
}

function schemaModeSummary(added: Map<string, string>, removed: Map<string, string>): string[] {
  const lines = [...added].map(([field, mark]) => `${mark === 'added' ? 'Add' : 'Change'} ${field}`);
  for (const [field, mark] of removed) if (mark === 'removed') lines.push(`Remove ${field}`);
  return lines.length ? lines : ['Changes made to schema.prisma by hand'];
}

function schemaModeBreaking(before: Map<string, string>): string[] {
  return [...before]
    .filter(([, mark]) => mark !== 'added')
    .map(([field, mark]) => `${field} is ${mark}: update the code that uses it and regenerate the Prisma client.`);
}
