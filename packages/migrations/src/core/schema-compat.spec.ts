import { makeSchemaCompatible } from './schema-compat';

const PRISMA6_SCHEMA = `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["fullTextSearch", "views", "interactiveTransactions"]
}

datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_URL")
}

model User {
  id  Int    @id
  url String
}
`;

describe('makeSchemaCompatible', () => {
  const result = makeSchemaCompatible([{ path: 'prisma/schema.prisma', content: PRISMA6_SCHEMA }], ['views', 'typedSql']);
  const lines = result.files[0].content.split('\n');

  it('comments out datasource URLs and keeps line numbers', () => {
    expect(lines).toHaveLength(PRISMA6_SCHEMA.split('\n').length);
    expect(lines[7]).toBe('  // url = env("DATABASE_URL")');
    expect(lines[8]).toBe('  // directUrl = env("DIRECT_URL")');
  });

  it('drops unknown preview features and keeps known ones', () => {
    expect(lines[2]).toBe('  previewFeatures = ["views"]');
  });

  it('leaves fields named like datasource properties alone', () => {
    expect(lines[13]).toBe('  url String');
  });

  it('warns once per neutralised line, naming file and line', () => {
    expect(result.warnings).toEqual([
      expect.stringMatching(/^prisma\/schema\.prisma:3: preview features "fullTextSearch", "interactiveTransactions" are not known/),
      expect.stringMatching(/^prisma\/schema\.prisma:8: datasource property `url` is ignored/),
      expect.stringMatching(/^prisma\/schema\.prisma:9: datasource property `directUrl` is ignored/),
    ]);
  });

  it('changes nothing in a Prisma 7 schema', () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n';
    expect(makeSchemaCompatible([{ path: 's.prisma', content: schema }], [])).toEqual({
      files: [{ path: 's.prisma', content: schema }],
      warnings: [],
    });
  });
});
