import Module from 'node:module';
import path from 'node:path';
import type { DataMigration, DataStepContext } from '../../core/data-step-contract';
import { ForgeError } from '../../core/errors';
import type { Database } from '../../adapters/db/database';

export interface DataStepOptions {
  /** Where `typescript` is resolved from, to compile the step. */
  workspaceRoot: string;
  batchSize?: number;
  log: (message: string) => void;
}

type TypeScript = {
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown>; fileName: string }): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
};

/** Run a migration's data step: `up`, then `validate`. */
export async function runDataStep(database: Database, file: string, source: string, options: DataStepOptions): Promise<void> {
  const migration = loadDataStep(file, source, options.workspaceRoot);
  const context: DataStepContext = {
    sql: (text, params = []) => database.query(text, params),
    batchSize: options.batchSize ?? migration.batchSize ?? 1000,
    log: options.log,
  };
  await migration.up(context);
  await migration.validate(context);
}

function loadDataStep(file: string, source: string, workspaceRoot: string): DataMigration {
  const ts = loadTypeScript(workspaceRoot, file);
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: file,
  });
  const compiled = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  compiled.filename = file;
  compiled.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  try {
    compiled._compile(outputText, file);
  } catch (error) {
    throw unloadable(file, (error as Error).message);
  }
  const exported = (compiled.exports as { default?: DataMigration }).default ?? (compiled.exports as DataMigration);
  if (typeof exported?.up !== 'function' || typeof exported?.validate !== 'function') {
    throw unloadable(file, 'its default export has no up() and validate()');
  }
  return exported;
}

function loadTypeScript(workspaceRoot: string, file: string): TypeScript {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve('typescript', { paths: [workspaceRoot, path.dirname(file)] })) as TypeScript;
  } catch {
    throw new ForgeError(
      'DATA_STEP_UNLOADABLE',
      `${file} is TypeScript, and no \`typescript\` package is installed in the workspace to compile it.`,
      'npm install --save-dev typescript',
    );
  }
}

function unloadable(file: string, reason: string): ForgeError {
  return new ForgeError(
    'DATA_STEP_UNLOADABLE',
    `Cannot load the data step ${file}: ${reason}.`,
    'It must export default { description, up(ctx), validate(ctx) } (see DataMigration in @forge/migrations).',
  );
}
