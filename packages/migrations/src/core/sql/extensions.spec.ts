import { createdExtensions } from './extensions';
import { loadSqlParser, type SqlParser } from './parser';

describe('createdExtensions', () => {
  let parser: SqlParser;
  beforeAll(async () => {
    parser = await loadSqlParser();
  });

  it('finds every extension a script creates, however the keywords are written', () => {
    const sql = 'create extension if not exists "pgcrypto";\nCREATE TABLE "A" (id int);\nCreate Extension citext SCHEMA public;';
    expect(createdExtensions(parser, sql)).toEqual(['pgcrypto', 'citext']);
  });

  it('finds none where the word stands only in a comment or a string, or not at all', () => {
    expect(createdExtensions(parser, '-- needs the extension pgcrypto\nINSERT INTO "A" VALUES (\'extension\');')).toEqual([]);
    expect(createdExtensions(parser, 'CREATE TABLE "B" (id int);')).toEqual([]);
  });

  it('leaves a script that does not parse to PostgreSQL, with or without the word', () => {
    expect(createdExtensions(parser, 'CREATE EXTENSION;')).toEqual([]);
    expect(createdExtensions(parser, 'CREATE TABLE (;')).toEqual([]);
  });
});
