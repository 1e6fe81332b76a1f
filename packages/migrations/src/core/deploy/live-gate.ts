import type { LintedFinding } from '../lint/lint-report';
import { enumName } from '../safety/irreversibility';
import type { SqlParser } from '../sql/parser';
import { type Located, readOperationsIfValid } from '../safety/operations';

/**
 * The safety gate's judgement of a destructive finding on the live database: data is lost only
 * where the object holds data when the migration runs.
 * - `created-in-deploy`: an earlier migration of the same deploy makes the table;
 * - `absent`: the table does not exist (the statement drops nothing, or fails);
 * - `empty`: the table holds no row now, and is checked again right before the migration;
 * - `holds-rows`: the table holds rows: the gate stops the deploy, as without a live database;
 * - `unknown`: the finding names no table the judgement can check: it stops the deploy too.
 */
export type Verdict = 'created-in-deploy' | 'absent' | 'empty' | 'holds-rows' | 'unknown';

export interface LiveTable {
  exists: boolean;
  hasRows: boolean;
}

export interface JudgedFinding {
  migration: string;
  code: string;
  line: number;
  message: string;
  /** The tables whose rows the finding puts at risk, as the live database names them. */
  tables: string[];
  verdict: Verdict;
  /** Why, in words. */
  reason: string;
}

export interface PendingForGate {
  name: string;
  sql: string;
  /** The migration's blocking findings: destructive, neither waived nor approved. */
  blocking: LintedFinding[];
}

export function blocksDeploy(verdict: Verdict): boolean {
  return verdict === 'holds-rows' || verdict === 'unknown';
}

/** Verdicts that hold only while the table stays empty: checked again right before the migration. */
export function needsRecheck(verdict: Verdict): boolean {
  return verdict === 'empty' || verdict === 'absent';
}

/**
 * The live tables the judgement needs: those the blocking findings put at risk that no earlier
 * migration of the deploy makes (followed through renames to the table that holds the rows now).
 */
export function tablesToInspect(parser: SqlParser, pending: readonly PendingForGate[]): string[] {
  const names = new Set<string>();
  walk(parser, pending, (_migration, _finding, tables) => tables.forEach((table) => table.live && names.add(table.live)));
  return [...names];
}

/** Judge every blocking finding of the pending migrations, in deploy order, on the live tables. */
export function judgeFindings(parser: SqlParser, pending: readonly PendingForGate[], live: (table: string) => LiveTable): JudgedFinding[] {
  const judged: JudgedFinding[] = [];
  walk(parser, pending, (migration, finding, tables) => {
    const verdicts = tables.map((table): { verdict: Verdict; reason: string } => {
      if (!table.live) return { verdict: 'created-in-deploy', reason: `${table.name} is created earlier in this deploy` };
      const facts = live(table.live);
      const named = table.live === table.name ? table.name : `${table.name} (${table.live} now)`;
      if (!facts.exists) return { verdict: 'absent', reason: `${named} does not exist` };
      return facts.hasRows ? { verdict: 'holds-rows', reason: `${named} holds rows` } : { verdict: 'empty', reason: `${named} is empty` };
    });
    const worst = verdicts.sort((a, b) => SEVERITY.indexOf(b.verdict) - SEVERITY.indexOf(a.verdict))[0] ?? {
      verdict: 'unknown' as const,
      reason: 'no table to check it on',
    };
    judged.push({
      migration: migration.name,
      code: finding.code,
      line: finding.line,
      message: finding.message,
      tables: tables.map((table) => table.live ?? table.name),
      verdict: worst.verdict,
      reason: worst.reason,
    });
  });
  return judged;
}

/** `nothing to lose: X is created earlier in this deploy` / `blocks: X holds rows`. */
export function describeVerdict(judged: JudgedFinding): string {
  switch (judged.verdict) {
    case 'created-in-deploy':
    case 'absent':
      return `nothing to lose: ${judged.reason}`;
    case 'empty':
      return `nothing to lose: ${judged.reason} (checked again right before the migration)`;
    case 'holds-rows':
    case 'unknown':
      return `data loss: ${judged.reason}`;
  }
}

const SEVERITY: Verdict[] = ['created-in-deploy', 'absent', 'empty', 'holds-rows', 'unknown'];

interface TableAtRisk {
  /** As the migration names it. */
  name: string;
  /** The live table holding its rows now; undefined when the deploy makes it. */
  live?: string;
}

/**
 * Follow the deploy's migrations in order, knowing which tables earlier ones made or renamed,
 * and call `visit` for every blocking finding with the tables it puts at risk.
 */
function walk(
  parser: SqlParser,
  pending: readonly PendingForGate[],
  visit: (migration: PendingForGate, finding: LintedFinding, tables: TableAtRisk[]) => void,
): void {
  const made = new Set<string>();
  /** Current name -> the live name it had before this deploy renamed it. */
  const renamedFrom = new Map<string, string>();
  const origin = (name: string): TableAtRisk => (made.has(name) ? { name } : { name, live: renamedFrom.get(name) ?? name });
  for (const migration of pending) {
    const operations = readOperationsIfValid(parser, migration.sql);
    for (const finding of migration.blocking) visit(migration, finding, tablesAtRisk(finding, operations).map(origin));
    for (const { operation } of operations) {
      if (operation.kind === 'create_table') made.add(operation.table);
      if (operation.kind === 'drop_table') {
        made.delete(operation.table);
        renamedFrom.delete(operation.table);
      }
      if (operation.kind === 'rename_table') {
        if (made.delete(operation.table)) made.add(operation.to);
        else renamedFrom.set(operation.to, renamedFrom.get(operation.table) ?? operation.table);
        renamedFrom.delete(operation.table);
      }
    }
  }
}

/**
 * The tables whose rows a finding puts at risk: the one it is about; for a dropped enum value
 * (which names no table), the tables whose columns the migration converts to the new type.
 */
function tablesAtRisk(finding: LintedFinding, operations: Located[]): string[] {
  if (finding.table) return [finding.table];
  const enums = new Set(operations.flatMap(({ operation }) => (operation.kind === 'create_enum' ? [operation.type.toLowerCase()] : [])));
  const converted = operations.flatMap(({ operation }) =>
    operation.kind === 'alter_column_type' && enums.has(enumName(operation.type)) ? [operation.table] : [],
  );
  return [...new Set(converted)];
}
