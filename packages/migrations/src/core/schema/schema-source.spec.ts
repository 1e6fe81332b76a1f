import { applyChanges } from '../changes/apply-changes';
import { parseChangeRequest } from '../changes/descriptor';
import { configBlocks } from './config-blocks';
import { maskBlockComments, readSchemaFile } from './schema-source';

const SCHEMA = `datasource db {
  provider = "postgresql" /* inline, beside text */
}

/**
 * Error group state: when a user has interacted with an error.
 * The actual error data is elsewhere.
 */
model ErrorGroupState {
  id    String @id
  /**
   * Ignored until this date
   */
  until DateTime?
  note  String @default("/* not a comment */") // nor /* this
}
`;

const file = (content: string) => ({ path: 'prisma/schema.prisma', content });

describe('block comments', () => {
  it('masks them for prisma-ast, keeping line numbers, and leaves string literals and // comments alone', () => {
    const masked = maskBlockComments(SCHEMA);
    expect(masked.text.split('\n')).toHaveLength(SCHEMA.split('\n').length);
    expect(masked.text).not.toContain('/**');
    expect(masked.text).not.toContain('Ignored until');
    expect(masked.text).not.toContain('inline, beside text');
    expect(masked.text).toContain('@default("/* not a comment */") // nor /* this');
    expect(masked.inlineCommentLines).toEqual([2]);
    expect(
      masked
        .restore(masked.text)
        .split('\n')
        .filter((line) => line.includes('Ignored until')),
    ).toEqual(['   * Ignored until this date']);
  });

  it('reads a schema with them, as Prisma does', () => {
    const schema = readSchemaFile(file(SCHEMA));
    expect(schema.list.filter((block) => block.type === 'model').map((block) => (block as { name: string }).name)).toEqual([
      'ErrorGroupState',
    ]);
    expect(configBlocks([file(SCHEMA)])[0].content.trim()).toMatch(/^datasource db \{\n\s+provider\s+= "postgresql"\n\}/);
  });

  it('keeps them, byte for byte, in a model the generator rewrites', () => {
    const { changes } = parseChangeRequest(
      { changeType: 'add_column', targetTable: 'ErrorGroupState', changes: { columns: [{ name: 'seen', type: 'Int', optional: true }] } },
      'spec',
    );
    const [edited] = applyChanges([file(SCHEMA)], changes).files;
    expect(edited.content).toContain(
      '/**\n * Error group state: when a user has interacted with an error.\n * The actual error data is elsewhere.\n */\nmodel ErrorGroupState {',
    );
    expect(edited.content).toContain('  /**\n   * Ignored until this date\n   */\n');
    expect(edited.content).toMatch(/seen\s+Int\?/);
    expect(edited.content).not.toContain('forge:block-comment');
  });

  it('refuses to rewrite a model whose line holds a block comment beside schema text, naming the line', () => {
    const inline = SCHEMA.replace('  until DateTime?', '  until DateTime? /* when */');
    const { changes } = parseChangeRequest(
      { changeType: 'add_column', targetTable: 'ErrorGroupState', changes: { columns: [{ name: 'seen', type: 'Int', optional: true }] } },
      'spec',
    );
    expect(() => applyChanges([file(inline)], changes)).toThrow(
      /prisma\/schema\.prisma:14: ErrorGroupState has a \/\* \*\/ comment on a line with schema text/,
    );
  });

  it('names the file and line of what it cannot read', () => {
    expect(() => readSchemaFile(file('model A {\n  id Int @id\n  = broken\n}\n'))).toThrow(
      /^prisma\/schema\.prisma:3:3: the Prisma schema could not be read/,
    );
  });
});
