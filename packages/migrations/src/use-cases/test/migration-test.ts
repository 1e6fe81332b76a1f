import { compareFingerprints, isSameSchema, sameTableShapes, type SchemaFingerprint } from '../../core/fingerprint';
import { emptyIntent, type MigrationIntent, readMigrationIntent } from '../../core/migration-intent';
import { migrationChecksum } from '../../core/migration-folders';
import { checkRowIntegrity, describeViolation, type CascadeMap } from '../../core/row-integrity';
import type { SchemaFile } from '../../core/schema-compat';
import { analyzeHistory, type Finding } from '../../core/safety/analyze';
import { withLockEvidence } from '../../core/safety/lock-evidence';
import { type SqlParser, SqlSyntaxError } from '../../core/sql/parser';
import type { PhaseClock } from '../../core/phase-clock';
import { isSuccessful, type MigrationTestResult, type TestError, type TestReport } from '../../core/test-report';
import type { Database } from '../../adapters/db/database';
import { MigrationApplyError } from '../../adapters/db/script-runner';
import { MigrationEngine } from '../../adapters/engine/migration-engine';
import { toEngineMigrationList } from '../../adapters/engine/migration-list';
import type { MigrationFolder, MigrationHistory } from '../../adapters/store/migration-store';
import { fingerprintSchema } from '../shared/catalog-fingerprint';
import { type HistoryHints, seedHintsDigest } from '../../core/seed-hints';
import { applyBesideSeededRows } from './apply-beside-seeded-rows';
import { SeedCounter, seedRepresentativeRows } from './data-seeder';
import { runDataStep } from '../shared/run-data-step';
import { describeFailingStatement } from './failing-statement';
import { observeLocks } from '../shared/lock-sampler';
import { archiveForProof, proveDown } from './prove-down';
import { snapshotRows } from './row-snapshot';
import { tablesToCompare } from './compared-tables';
import { SeededRows } from './seeded-rows';
import { readTables, type TableModel } from '../shared/table-catalog';
import type { ProofState } from './proof-state';

export interface MigrationTestInput {
  parser: SqlParser;
  project: string;
  database: Database;
  history: MigrationHistory;
  /** What the history asks of the rows seeded before each migration (read once per history). */
  hints: HistoryHints;
  /** The schema as the engine should read it (see makeSchemaCompatible). */
  schemaFiles: SchemaFile[];
  configDir: string;
  allowDrift: boolean;
  /** Fail a migration on the first error its representative rows cause, instead of retrying without them. */
  strictData?: boolean;
  /** Where a data step's TypeScript compiler is found. */
  workspaceRoot: string;
  warnings?: string[];
  /** Each migration this run proves, as it is proven (not those of a reused prefix: the summary counts them). */
  onMigration?: (result: MigrationTestResult) => void;
  /**
   * Proven prefixes: `resume`, where an earlier run's proof of the first migrations stood (the
   * database is the one it left); `keep`, given where this proof stands before the newest
   * migration, when it got there itself. The newest is the one a developer edits: each run with
   * it changed starts from there and proves it alone, and pays for no keeping of its own.
   */
  prefix?: { resume?: ProofState; keep?: (state: ProofState) => Promise<void> };
  /** Laps 'prove migrations', 'keep prefix' and 'idempotency and drift'; the report's phases are its own. */
  clock: PhaseClock;
}

/**
 * Test a migration history on an empty throwaway database: apply each migration in order with
 * representative rows in every table, check those rows survived, prove its down script (down
 * restores the schema before it, up again the schema after it), then check that a second apply
 * does nothing and that the result is what schema.prisma describes.
 */
export async function runMigrationTest(input: MigrationTestInput): Promise<TestReport> {
  const started = Date.now();
  const { database, history, clock } = input;
  let engine: MigrationEngine | undefined;
  try {
    const resumed = input.prefix?.resume;
    const run = new HistoryRun(
      database,
      history,
      input,
      resumed ?? { tables: await readTables(database), schema: await fingerprintSchema(database) },
    );
    const newest = history.migrations.length - 1;
    for (const migration of history.migrations.slice(run.results.length)) {
      if (run.results.length === newest && newest > (resumed?.results.length ?? 0) && input.prefix?.keep) {
        clock.lap('prove migrations');
        await input.prefix.keep(run.state());
        clock.lap('keep prefix');
      }
      const result = await run.test(migration);
      input.onMigration?.(result);
      if (run.stopped) break;
    }
    const results = run.results;
    clock.lap('prove migrations');
    // Started once every migration is through: a server's database is copied (to keep a prefix) without sessions.
    engine = await MigrationEngine.start(database);
    const completed = results.length === history.migrations.length && results.every((r) => r.applied);
    const idempotent = completed && (await isIdempotent(engine, history));
    const driftSql = completed
      ? await engine.diff(
          { kind: 'database', files: input.schemaFiles, configDir: input.configDir },
          { kind: 'schema', files: input.schemaFiles },
        )
      : '';
    clock.lap('idempotency and drift');
    const report: Omit<TestReport, 'ok'> = {
      project: input.project,
      engine: database.engine,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      migrations: [...results, ...history.migrations.slice(results.length).map(notAttempted)],
      ...(resumed && { reusedPrefix: resumed.results.length }),
      idempotent,
      drift: { clean: completed && driftSql === '', allowed: input.allowDrift, sql: driftSql },
      errors: run.errors,
      warnings: input.warnings ?? [],
      phases: clock.phases(),
    };
    return { ok: isSuccessful(report), ...report };
  } finally {
    engine?.dispose();
  }
}

/** The state carried from one migration to the next: the tables, the schema, the seeded rows. */
class HistoryRun {
  readonly results: MigrationTestResult[];
  readonly errors: TestError[];
  stopped = false;
  private readonly counter: SeedCounter;
  private readonly seeded: SeededRows;
  private readonly hints: HistoryHints;
  private readonly findings: Finding[][];
  private tables: Map<string, TableModel>;
  private schema: SchemaFingerprint;
  private readonly seedings: ProofState['seedings'];

  /** From an empty database (its tables and schema as read), or from where an earlier proof stood. */
  constructor(
    private readonly database: Database,
    private readonly history: MigrationHistory,
    private readonly options: Pick<MigrationTestInput, 'parser' | 'hints' | 'workspaceRoot' | 'strictData'>,
    start: Pick<ProofState, 'tables' | 'schema'> | ProofState,
  ) {
    this.tables = start.tables;
    this.schema = start.schema;
    this.results = 'results' in start ? [...start.results] : [];
    this.errors = 'errors' in start ? [...start.errors] : [];
    this.seedings = 'seedings' in start ? [...start.seedings] : [];
    this.counter = new SeedCounter('counter' in start ? start.counter : 0);
    this.seeded = 'seeded' in start ? SeededRows.fromState(start.seeded) : new SeededRows();
    this.hints = options.hints;
    this.findings = analyzeHistory(options.parser, history.migrations);
  }

  /** Where the proof stands: what a later run needs to go on from the database as it is now. */
  state(): ProofState {
    return {
      results: this.results,
      errors: this.errors,
      counter: this.counter.current,
      seeded: this.seeded.toState(),
      tables: this.tables,
      schema: this.schema,
      seedings: this.seedings,
    };
  }

  async test(migration: MigrationFolder): Promise<MigrationTestResult> {
    const { database } = this;
    const { parser } = this.options;
    const index = this.results.length;
    const upToThis = this.history.migrations.slice(0, index + 1);
    const intent = intentOf(parser, migration);
    const hints = this.hints.before(index);
    const present = [...this.tables.keys()];
    this.seedings.push({ tables: present, hints: seedHintsDigest(hints, present) });
    const seeded = await seedRepresentativeRows(
      database,
      this.tables,
      this.counter,
      hints,
      (table) => hints.touched.has(table.key) || this.seeded.needsRow(table),
    );
    for (const [table, row] of seeded.rows) this.seeded.add(this.tables.get(table)!, row);
    const schemaBefore = this.schema;
    const compared = (tables: Map<string, TableModel>) => tablesToCompare(tables, hints.touched, intent, schemaBefore);
    let rowsBefore = await snapshotRows(database, compared(this.tables));
    const result = pendingResult(migration, {
      tablesWithRows: [],
      rowsChecked: 0,
      unfilledTables: seeded.unfilled,
      violations: [],
      lostValues: [],
      notCompared: [],
    });
    this.results.push(result);

    const archived = await archiveForProof(parser, database, migration);
    const applyStarted = Date.now();
    const findings = (result.findings = this.findings[index]);
    const apply = () =>
      applyBesideSeededRows({
        parser,
        database,
        upToThis,
        migration,
        seeded: this.seeded,
        tables: this.tables,
        findings,
        strictData: this.options.strictData === true,
        // Rows taken out (and what cascaded from them) are not checked afterwards.
        onRowsRemoved: async () => {
          rowsBefore = await snapshotRows(database, compared(await readTables(database)));
        },
      });
    try {
      if (database.engine === 'postgresql') {
        const { result: dataDependent, observation } = await observeLocks(database, apply);
        result.dataDependent = dataDependent;
        result.locks = observation.locks;
        result.findings = withLockEvidence(findings, observation);
      } else {
        result.dataDependent = await apply();
      }
    } catch (error) {
      if (!(error instanceof MigrationApplyError)) throw error;
      result.ms = Date.now() - applyStarted;
      this.errors.push(await applyError(parser, database, migration, error, this.seeded.count() > 0));
      this.stopped = true;
      return result;
    }
    result.integrity.rowsChecked = [...rowsBefore.values()].reduce((sum, table) => sum + table.rows.length, 0);
    result.integrity.tablesWithRows = [...rowsBefore]
      .filter(([, table]) => table.rows.length > 0)
      .map(([key]) => key)
      .sort();
    result.ms = Date.now() - applyStarted;
    result.applied = true;
    if (!(await this.runDataStep(migration))) return result;

    const schemaAfter = await fingerprintSchema(database);
    const tablesAfter = sameTableShapes(schemaBefore, schemaAfter) ? this.tables : await readTables(database);
    const renamedTo = new Set(intent.renamedTables.values());
    const rowsAfter = await snapshotRows(database, new Map([...tablesAfter].filter(([key]) => rowsBefore.has(key) || renamedTo.has(key))));
    const integrity = checkRowIntegrity(rowsBefore, rowsAfter, intent, cascadesOf(this.tables));
    result.integrity.violations = integrity.violations.map(describeViolation);
    result.integrity.lostValues = integrity.lostValues.map(describeViolation);
    result.integrity.notCompared = integrity.notCompared;
    this.seeded.follow(intent);

    // Rows the representative data made fail were taken out after the archive: it no longer fits the tables, and is left out.
    const withArchive = archived && result.dataDependent.length === 0;
    this.schema = await proveDown(parser, database, upToThis, migration, result, {
      before: schemaBefore,
      after: schemaAfter,
      archived: withArchive,
    });
    this.tables = tablesAfter;
    // Re-applied after its down, the migration needs its data moved again.
    if (migration.down?.kind === 'script' && !(await this.runDataStep(migration))) return result;
    if (migration.seedSql !== undefined) {
      await database
        .executeScript(migration.seedSql)
        .catch((error: Error) => this.errors.push({ migration: migration.name, message: `seed.sql failed: ${error.message}` }));
      this.schema = await fingerprintSchema(database);
    }
    if (result.down === 'failed' && !isSameSchema(compareFingerprints(schemaAfter, this.schema))) {
      this.errors.push({
        migration: migration.name,
        message: 'The schema could not be restored after its down script failed; later migrations were not tested.',
      });
      this.stopped = true;
    }
    return result;
  }

  /** Run the migration's data step, if it has one; false (and the run stopped) when it fails. */
  private async runDataStep(migration: MigrationFolder): Promise<boolean> {
    if (!migration.dataStep) return true;
    try {
      await runDataStep(this.database, migration.dataStep.file, migration.dataStep.source, {
        workspaceRoot: this.options.workspaceRoot,
        log: () => undefined,
      });
      return true;
    } catch (error) {
      this.errors.push({ migration: migration.name, message: `data step failed: ${(error as Error).message}` });
      this.stopped = true;
      return false;
    }
  }
}

function intentOf(parser: SqlParser, migration: MigrationFolder): MigrationIntent {
  try {
    return readMigrationIntent(parser, migration.sql);
  } catch (error) {
    // The apply fails on the same syntax error, with PostgreSQL's message.
    if (error instanceof SqlSyntaxError) return emptyIntent();
    throw error;
  }
}

async function applyError(
  parser: SqlParser,
  database: Database,
  migration: MigrationFolder,
  error: MigrationApplyError,
  withRows: boolean,
): Promise<TestError> {
  const statement = error.failure ? await describeFailingStatement(parser, database, migration.sql, error.failure) : undefined;
  const context = withRows ? ' (its tables held representative rows)' : '';
  return { migration: error.migrationName ?? migration.name, message: `${error.message}${context}`, statement };
}

/** Prisma's own engine must find nothing to apply and nothing wrong: our rows are its rows. */
async function isIdempotent(engine: MigrationEngine, history: MigrationHistory): Promise<boolean> {
  const list = toEngineMigrationList(history, history.migrations);
  const appliedAgain = await engine.applyMigrations(list);
  const diagnosis = await engine.diagnose(list);
  return (
    appliedAgain.length === 0 &&
    diagnosis.history === null &&
    diagnosis.failedMigrationNames.length === 0 &&
    diagnosis.editedMigrationNames.length === 0
  );
}

function cascadesOf(tables: Map<string, TableModel>): CascadeMap {
  const cascades: CascadeMap = new Map();
  for (const table of tables.values()) {
    const parents = table.foreignKeys
      .filter((foreignKey) => foreignKey.onDelete === 'c' || foreignKey.onDelete === 'n')
      .map((foreignKey) => ({
        parent: foreignKey.refTable,
        columns: foreignKey.columns,
        action: foreignKey.onDelete === 'c' ? ('cascade' as const) : ('set-null' as const),
      }));
    if (parents.length) cascades.set(table.key, parents);
  }
  return cascades;
}

function pendingResult(migration: MigrationFolder, integrity: MigrationTestResult['integrity']): MigrationTestResult {
  return {
    name: migration.name,
    applied: false,
    ms: 0,
    down: migration.down ? 'not-run' : 'missing',
    downChecksum: migration.down && migrationChecksum(migration.down.sql),
    downDetails: migration.down?.kind === 'irreversible' ? [migration.down.reason] : [],
    integrity,
    findings: [],
    dataDependent: [],
  };
}

function notAttempted(migration: MigrationFolder): MigrationTestResult {
  return pendingResult(migration, {
    tablesWithRows: [],
    rowsChecked: 0,
    unfilledTables: [],
    violations: [],
    lostValues: [],
    notCompared: [],
  });
}
