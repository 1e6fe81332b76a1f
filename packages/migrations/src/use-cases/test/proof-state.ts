import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { SchemaFingerprint } from '../../core/fingerprint';
import type { MigrationTestResult, TestError } from '../../core/test-report';
import type { TableModel } from '../shared/table-catalog';
import type { SeededRowsState } from './seeded-rows';

/**
 * Where a proof stands after its first k migrations, beside the database they left: their
 * results, and what the proof of the next one starts from (the tables and schema as read, the
 * representative rows inserted and the counter their values come from).
 */
export interface ProofState {
  results: MigrationTestResult[];
  errors: TestError[];
  counter: number;
  seeded: SeededRowsState;
  tables: Map<string, TableModel>;
  schema: SchemaFingerprint;
  /**
   * Per migration: the tables its representative rows were seeded into, and what the rest of the
   * history asked of those rows (see seedHintsDigest). Another history with the same migrations
   * may ask otherwise (a later foreign key, cast or unique index): then its rows would differ.
   */
  seedings: Array<{ tables: string[]; hints: string }>;
}

/** In V8's format: it keeps what JSON would not (maps, dates, buffers and bigints among the rows' values). */
export function encodeProofState(state: ProofState): Buffer {
  return serialize(state);
}

/** Undefined when the buffer holds no state of this shape (written by another version of Node). */
export function decodeProofState(buffer: Buffer): ProofState | undefined {
  try {
    const state = deserialize(buffer) as ProofState;
    return Array.isArray(state?.results) &&
      Array.isArray(state.errors) &&
      Array.isArray(state.seedings) &&
      types.isMap(state.tables) &&
      types.isMap(state.seeded?.keys)
      ? state
      : undefined;
  } catch {
    return undefined;
  }
}
