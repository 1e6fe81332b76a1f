import { loadSqlParser, type SqlParser } from '../sql/parser';
import { analyzeHistory } from './analyze';
import { KnownSchema } from './known-schema';
import { readOperations } from './operations';

let parser: SqlParser;
beforeAll(async () => {
  parser = await loadSqlParser();
});

function knownAfter(...scripts: string[]): KnownSchema {
  const known = new KnownSchema();
  for (const sql of scripts) known.apply(readOperations(parser, sql));
  return known;
}

describe('KnownSchema', () => {
  it('follows column types through creates, adds, type changes, renames and drops', () => {
    const known = knownAfter(
      'CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" VARCHAR(100), "age" INTEGER);',
      'ALTER TABLE "User" ADD COLUMN "bio" TEXT; ALTER TABLE "User" ALTER COLUMN "age" TYPE BIGINT;',
      'ALTER TABLE "User" RENAME COLUMN "name" TO "fullName"; ALTER TABLE "User" RENAME TO "Person"; ALTER TABLE "Person" DROP COLUMN "bio";',
    );
    expect(known.columnType('Person', 'fullName')).toBe('VARCHAR(100)');
    expect(known.columnType('Person', 'age')).toBe('BIGINT');
    expect(known.columnType('Person', 'bio')).toBeUndefined();
    expect(known.columnType('User', 'fullName')).toBeUndefined();
  });

  it('follows enum values through creates, added values and renames', () => {
    const known = knownAfter(
      `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');`,
      `ALTER TYPE "Role" ADD VALUE 'OWNER';`,
      `ALTER TYPE "Role" RENAME TO "Role_old";`,
    );
    expect(known.enumValues('Role_old')).toEqual(['USER', 'ADMIN', 'OWNER']);
    expect(known.enumValues('Role')).toBeUndefined();
  });
});

describe('analyzeHistory', () => {
  it('knows what earlier migrations built: a narrowing type change and a dropped enum value', () => {
    const findings = analyzeHistory(parser, [
      {
        name: '1_init',
        sql: `CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN'); CREATE TABLE "User" ("id" INTEGER, "name" TEXT, "role" "Role");`,
      },
      {
        name: '2_narrow',
        sql: [
          'ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);',
          `ALTER TYPE "Role" RENAME TO "Role_old"; CREATE TYPE "Role" AS ENUM ('USER');`,
          'ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role" USING ("role"::text::"Role"); DROP TYPE "Role_old";',
        ].join('\n'),
      },
    ]);
    expect(findings[0].filter((f) => f.family === 'destructive')).toEqual([]);
    expect(findings[1].filter((f) => f.family === 'destructive').map((f) => `${f.code} ${f.message}`)).toEqual([
      'DS104 converts User.name from TEXT to VARCHAR(20), which not every value survives',
      'DS103 drops value ADMIN of enum Role',
    ]);
  });
});
