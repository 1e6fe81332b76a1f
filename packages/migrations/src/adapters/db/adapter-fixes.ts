import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { runScript, ScriptError, type ScriptFailure } from './script-runner';

/**
 * The upstream driver adapters' defects, wrapped in one place (each has a regression test in
 * adapter-fixes.integration.spec.ts):
 * - `@prisma/adapter-pg` splits scripts on every `;`, breaking `DO $$ ... $$` blocks, functions
 *   and string literals;
 * - `pglite-prisma-adapter` does not await its script, so a failing migration was recorded as
 *   applied and its error escaped as an unhandled rejection;
 * - `@prisma/adapter-pg` cannot read PostgreSQL's internal `"char"` type (OID 18), which the
 *   engine's introspection selects, so drift checks failed on a real server.
 */
export function sendScriptsWhole(
  adapter: SqlDriverAdapter,
  send: (sql: string) => Promise<unknown>,
  onFailure: (failure: ScriptFailure) => void = () => undefined,
): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    try {
      await runScript(script, send);
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      onFailure(error.failure);
      throw new DriverAdapterError({
        kind: 'postgres',
        code: error.failure.code ?? 'XX000',
        severity: 'ERROR',
        message: error.failure.message,
        detail: error.failure.detail,
        column: undefined,
        hint: error.failure.hint,
      });
    }
  };
  return adapter;
}

/** An upstream adapter and the way to send a script on the same database. */
export interface EngineConnection {
  adapter: SqlDriverAdapter;
  send: (sql: string) => Promise<unknown>;
}

/**
 * The factory the schema engine connects through: scripts sent whole on every connection, the
 * main connection's script failures reported, and each shadow database closed when the engine
 * disposes of it.
 */
export function engineAdapterFactory(
  adapterName: string,
  connect: () => Promise<EngineConnection>,
  onFailure: (failure: ScriptFailure) => void,
  openShadow: () => Promise<EngineConnection & { close: () => Promise<void> }>,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName,
    connect: async () => {
      const { adapter, send } = await connect();
      return sendScriptsWhole(adapter, send, onFailure);
    },
    connectToShadowDb: async () => {
      const { adapter, send, close } = await openShadow();
      const fixed = sendScriptsWhole(adapter, send);
      fixed.dispose = close;
      return fixed;
    },
  };
}

const CHAR_OID = 18;
const TEXT_OID = 25;

interface PerformsIO {
  performIO(query: unknown): Promise<{ fields: Array<{ dataTypeID: number }>; rows: unknown[] }>;
}

/**
 * Make `@prisma/adapter-pg` read `"char"` columns (pg_constraint.contype and the like) as the
 * engine expects them: the value as text, the column typed Character. The adapter throws on the
 * type before anything else happens, so the field is presented to it as text, and the column
 * type corrected on the way out.
 */
export function readCharColumns<T extends SqlDriverAdapter | Transaction>(queryable: T): T {
  const target = queryable as unknown as PerformsIO;
  if (typeof target.performIO !== 'function') {
    throw new Error('@prisma/adapter-pg changed: performIO is gone; revisit readCharColumns.');
  }
  const charColumns = new WeakMap<unknown[], number[]>();
  const performIO = target.performIO.bind(target);
  target.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = result.fields.flatMap((field, index) => (field.dataTypeID === CHAR_OID ? [index] : []));
    for (const index of indexes) result.fields[index].dataTypeID = TEXT_OID;
    if (indexes.length) charColumns.set(result.rows, indexes);
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumns.get(resultSet.rows) ?? []) resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    return resultSet;
  };
  if ('startTransaction' in queryable) {
    const startTransaction = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (...args) => readCharColumns(await startTransaction(...args));
  }
  return queryable;
}
