import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiagnoseMigrationHistoryOutput, DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm' with {
  'resolution-mode': 'import',
};
import { ForgeError } from '../../core/errors';
import type { SchemaFile } from '../../core/schema-compat';
import type { Database } from '../db/database';
import { MigrationApplyError, postgresErrorText } from '../db/script-runner';
import { loadSchemaEngine, onEnginePanic } from './wasm-loader';

export type SchemaSource =
  | { kind: 'empty' }
  | { kind: 'migrations'; list: MigrationList }
  | { kind: 'schema'; files: SchemaFile[] }
  /** The connected database, as it is now. */
  | { kind: 'database'; files: SchemaFile[]; configDir: string };

const NO_FILTER = { externalTables: [], externalEnums: [] };

/**
 * The one place that talks to Prisma's schema engine. It applies, diffs and diagnoses migration
 * histories exactly as `prisma migrate` does, so `_prisma_migrations` rows are Prisma's own.
 */
export class MigrationEngine {
  private constructor(
    private readonly engine: SchemaEngine,
    private readonly database: Database,
  ) {}

  static async start(database: Database): Promise<MigrationEngine> {
    const { SchemaEngine } = await loadSchemaEngine();
    const adapter = bindMigrationAwareSqlAdapterFactory(database.adapterFactory());
    const engine = await SchemaEngine.new({ datamodels: undefined }, () => undefined, adapter);
    return new MigrationEngine(engine, database);
  }

  /** Apply the migrations of the list not yet applied; returns the names applied. */
  async applyMigrations(list: MigrationList): Promise<string[]> {
    this.database.takeScriptFailure();
    try {
      const { appliedMigrationNames } = await guardAgainstPanic(() =>
        this.engine.applyMigrations({ migrationsList: list, filters: NO_FILTER }),
      );
      return appliedMigrationNames;
    } catch (error) {
      if (error instanceof ForgeError) throw error;
      const failure = this.database.takeScriptFailure();
      const migrationName = /migration_name="([^"]+)"/.exec(String((error as Error).message))?.[1];
      // PostgreSQL's own words when there are any: the engine rewords some errors ("Unique constraint failed").
      const message = failure ? postgresErrorText(failure) : engineMessage(error);
      throw new MigrationApplyError(migrationName, message, failure);
    }
  }

  diagnose(list: MigrationList): Promise<DiagnoseMigrationHistoryOutput> {
    return this.call(() =>
      this.engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: NO_FILTER }),
    );
  }

  /** The SQL that turns `from` into `to`; empty when they are the same. */
  async diff(from: SchemaSource, to: SchemaSource): Promise<string> {
    const result = await this.call(() =>
      this.engine.diff({ from: diffTarget(from), to: diffTarget(to), script: true, exitCode: null, filters: NO_FILTER }),
    );
    const script = result.stdout ?? '';
    return /^\s*(-- This is an empty migration\.)?\s*$/.test(script) ? '' : script;
  }

  /**
   * The connected database as a Prisma schema. Given the project's schema, names it already uses
   * for the same tables (models, @map) are kept, as `prisma db pull` keeps them.
   */
  async introspect(schema: SchemaFile[], baseDirectory: string): Promise<SchemaFile[]> {
    const result = await this.call(() =>
      this.engine.introspect({
        schema: { files: schema },
        baseDirectoryPath: baseDirectory,
        force: false,
        compositeTypeDepth: -1,
        namespaces: null,
      }),
    );
    return result.schema.files;
  }

  dispose(): void {
    this.engine.free();
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await guardAgainstPanic(operation);
    } catch (error) {
      if (error instanceof ForgeError) throw error;
      const message = engineMessage(error);
      const code = (error as { code?: string }).code;
      if (code === 'P1012') {
        throw new ForgeError(
          'SCHEMA_INVALID',
          `The Prisma schema is invalid:\n${message}`,
          'Run `prisma validate` and fix what it reports.',
          {
            cause: error,
          },
        );
      }
      throw new ForgeError(
        'ENGINE_ERROR',
        message,
        "This is what Prisma's schema engine reported; `prisma migrate status` shows the same.",
        {
          cause: error,
        },
      );
    }
  }
}

/** Fail the operation with the panic's message instead of waiting forever for it. */
function guardAgainstPanic<T>(operation: () => Promise<T>): Promise<T> {
  let unsubscribe: () => void = () => undefined;
  const panicked = new Promise<never>((_, reject) => {
    unsubscribe = onEnginePanic((message) =>
      reject(
        new ForgeError(
          'ENGINE_ERROR',
          `Prisma's schema engine panicked: ${message}`,
          'This is a defect of the engine: report it with the migration or schema that triggered it.',
        ),
      ),
    );
  });
  return Promise.race([operation(), panicked]).finally(unsubscribe);
}

function diffTarget(source: SchemaSource): DiffTarget {
  switch (source.kind) {
    case 'empty':
      return { tag: 'empty' };
    case 'migrations':
      return { tag: 'migrations', ...source.list };
    case 'schema':
      return { tag: 'schemaDatamodel', files: source.files };
    case 'database':
      return { tag: 'schemaDatasource', files: source.files, configDir: source.configDir };
  }
}

/** The engine's message without its Rust span trace and wrapper lines. */
export function engineMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const lines: string[] = [];
  for (const line of raw.split('\n')) {
    if (/^\s+\d+: /.test(line)) break;
    if (line.trim() === 'external connector error') continue;
    lines.push(line.replace(/^Error querying the database: /, ''));
  }
  return lines.join('\n').trim();
}
