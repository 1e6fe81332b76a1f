import { type PrefixBasis, prefixKeys, type ProvenMigration } from './prefix-keys';

const BASIS: PrefixBasis = { pluginVersion: '0.1.0', engine: 'pglite', engineVersion: '0.3.14', options: { strictData: false } };
const HISTORY: ProvenMigration[] = [
  { name: '1_init', sql: 'CREATE TABLE "A" ("id" INT PRIMARY KEY);' },
  { name: '2_b', sql: 'CREATE TABLE "B" ("id" INT PRIMARY KEY);', down: { kind: 'script', sql: 'DROP TABLE "B";' } },
  { name: '3_c', sql: 'ALTER TABLE "A" ADD COLUMN "c" TEXT;' },
];

describe('prefixKeys', () => {
  it('gives one key per prefix, the same for the same history, whatever the order of the options', () => {
    const keys = prefixKeys(BASIS, HISTORY);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(prefixKeys({ ...BASIS, options: { strictData: false, other: undefined } }, HISTORY)).toEqual(keys);
    // A history that goes on shares the keys of the migrations it shares.
    expect(prefixKeys(BASIS, [...HISTORY, { name: '4_d', sql: 'SELECT 1;' }]).slice(0, 3)).toEqual(keys);
  });

  it.each<[string, Partial<ProvenMigration>]>([
    ['its SQL', { sql: 'CREATE TABLE "B" ("id" BIGINT PRIMARY KEY);' }],
    ['its name', { name: '2_bee' }],
    ['its down', { down: { kind: 'script', sql: 'DROP TABLE IF EXISTS "B";' } }],
    ['its down made irreversible', { down: { kind: 'irreversible', sql: '-- forge:irreversible: no', reason: 'no' } }],
    ['its seed', { seedSql: 'INSERT INTO "B" VALUES (1);' }],
    ['its data step', { dataStep: { source: 'export default async () => {};' } }],
    ['its approval', { approval: '{"approvedBy":"someone"}' }],
  ])('a change to an earlier migration (%s) changes its key and every later one, never an earlier one', (_what, change) => {
    const keys = prefixKeys(BASIS, HISTORY);
    const changed = prefixKeys(BASIS, [HISTORY[0], { ...HISTORY[1], ...change }, HISTORY[2]]);
    expect(changed[0]).toBe(keys[0]);
    expect(changed[1]).not.toBe(keys[1]);
    expect(changed[2]).not.toBe(keys[2]);
  });

  it.each<[string, PrefixBasis]>([
    ['the plugin version', { ...BASIS, pluginVersion: '0.2.0' }],
    ['the database kind', { ...BASIS, engine: 'postgresql' }],
    ['the database version', { ...BASIS, engineVersion: '0.3.15' }],
    ['an option that changes results', { ...BASIS, options: { strictData: true } }],
  ])('another basis (%s) shares no key', (_what, basis) => {
    const keys = prefixKeys(BASIS, HISTORY);
    expect(prefixKeys(basis, HISTORY).filter((key) => keys.includes(key))).toEqual([]);
  });
});
