import { SHOP_FILES } from '../../test-support/shop-schema';
import { readDatamodel } from '../schema/datamodel';
import { isSafeCast } from '../sql/prisma-types';
import { parseChangeRequest } from './descriptor';
import { splitUnsafeTypeChanges } from './column-swap';

const datamodel = readDatamodel(SHOP_FILES);
const split = (changes: object) =>
  splitUnsafeTypeChanges(datamodel, parseChangeRequest({ changeType: 'modify_column', targetTable: 'Post', changes }, 'spec').changes);

describe('splitUnsafeTypeChanges', () => {
  it('leaves a safe cast in place', () => {
    expect(split({ column: 'id', type: 'BigInt' }).swaps).toEqual([]);
    expect(split({ column: 'title', nativeType: 'Text' }).swaps).toEqual([]);
  });

  it('turns a cast that may fail into an added column and a swap', () => {
    const { expand, swaps } = split({ column: 'title', type: 'Int', using: 'length("title")' });
    expect(swaps).toEqual([
      {
        model: 'Post',
        table: 'Post',
        field: 'title',
        column: 'title',
        tempField: 'title__forge_new',
        tempColumn: 'title__forge_new',
        fromSql: 'TEXT',
        toSql: 'INTEGER',
        using: 'length("title")',
      },
    ]);
    expect(expand).toEqual([
      {
        kind: 'add_column',
        target: 'Post',
        columns: [{ name: 'title__forge_new', type: 'Int', optional: true, unique: false, map: undefined, nativeType: undefined }],
      },
    ]);
    expect(split({ column: 'title', nativeType: 'VarChar(20)' }).swaps[0]).toMatchObject({
      toSql: 'VARCHAR(20)',
      using: '"title"::VARCHAR(20)',
    });
  });
});

describe('isSafeCast', () => {
  it.each([
    ['INTEGER', 'BIGINT', true],
    ['VARCHAR(20)', 'VARCHAR(40)', true],
    ['VARCHAR(20)', 'TEXT', true],
    ['TEXT', 'VARCHAR(20)', false],
    ['BIGINT', 'INTEGER', false],
    ['TEXT', 'INTEGER', false],
    ['TEXT', '"Role"', false],
  ])('%s -> %s: %s', (from, to, safe) => {
    expect(isSafeCast(from as string, to as string)).toBe(safe);
  });
});
