import { parseChangeRequest, parseJson } from './descriptor';
import { deriveMigrationName } from './migration-name';

const parse = (input: unknown) => parseChangeRequest(input, 'descriptor.json');

describe('parseChangeRequest', () => {
  it('reads one descriptor, with defaults filled in', () => {
    expect(
      parse({
        migrationName: 'add-user-preferences',
        changeType: 'add_column',
        targetTable: 'User',
        changes: { columns: [{ name: 'preferences', type: 'Json', optional: true }] },
      }),
    ).toEqual({
      migrationName: 'add-user-preferences',
      changes: [
        {
          kind: 'add_column',
          target: 'User',
          columns: [
            { name: 'preferences', type: 'Json', optional: true, unique: false, default: undefined, map: undefined, nativeType: undefined },
          ],
        },
      ],
    });
  });

  it('reads a list of descriptors as one migration, renames of either kind, and raw SQL', () => {
    const request = parse([
      { changeType: 'rename', targetTable: 'User', changes: { column: 'mail', to: 'email' } },
      { changeType: 'rename', targetTable: 'User', changes: { table: 'members', keepModelName: true } },
      { changeType: 'sql', changes: { up: 'CREATE EXTENSION citext;', irreversible: 'extensions stay' } },
    ]);
    expect(request.changes.map((change) => change.kind)).toEqual(['rename_column', 'rename_table', 'sql']);
    expect(request.changes[1]).toEqual({ kind: 'rename_table', target: 'User', to: 'members', keepModelName: true });
  });

  it('accepts reserved words as names: Prisma quotes every identifier', () => {
    expect(() =>
      parse({ changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'select', type: 'String', optional: true }] } }),
    ).not.toThrow();
    expect(() => parse({ changeType: 'rename', targetTable: 'order', changes: { column: 'group', to: 'user' } })).not.toThrow();
  });

  it.each([
    [{ changeType: 'add_colum', targetTable: 'User', changes: {} }, 'changeType: "add_colum" is not one of add_column, remove_column'],
    [{ changeType: 'add_column', changes: { columns: [] } }, 'targetTable: is required'],
    [{ changeType: 'add_column', targetTable: 'User', changes: { columns: [] } }, 'changes.columns: must not be empty'],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'a', type: 7 }] } },
      'changes.columns[0].type: must be a string',
    ],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'a"b', type: 'String' }] } },
      'changes.columns[0].name: "a"b" contains a quote',
    ],
    [
      { changeType: 'add_column', targetTable: 'User;DROP TABLE x', changes: { columns: [] } },
      'targetTable: "User;DROP TABLE x" contains a quote, backslash or semicolon',
    ],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'x'.repeat(64), type: 'String' }] } },
      "is longer than PostgreSQL's 63 bytes",
    ],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'é'.repeat(32), type: 'String' }] } },
      "is longer than PostgreSQL's 63 bytes",
    ],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: '1st', type: 'String' }] } },
      'changes.columns[0].name: "1st" must start with a letter',
    ],
    [
      { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'a', type: 'String', nativeType: 'VarChar(x)' }] } },
      'is not a native type',
    ],
    [{ changeType: 'modify_column', targetTable: 'User', changes: { column: 'a' } }, 'changes: changes nothing'],
    [{ changeType: 'remove_index', targetTable: 'User', changes: {} }, 'changes: needs "name" or "columns"'],
    [
      {
        changeType: 'add_relation',
        targetTable: 'Post',
        changes: { field: 'author', references: 'User', fields: ['authorId'], referencedFields: ['id'], onDelete: 'Explode' },
      },
      'changes.onDelete: "Explode" is not one of',
    ],
    [{ changeType: 'sql', changes: { up: 'SELECT 1' } }, 'changes: needs "down"'],
    [{ changeType: 'rename', targetTable: 'User', changes: { column: 'a', to: 'b', table: 'c' } }, 'not both'],
    [[{ changeType: 'remove_table', targetTable: 'User', changes: {} }, 'oops'], '[1]: must be an object'],
    [[], 'holds no change'],
  ])('names the field of a bad descriptor (%#)', (input, message) => {
    expect(() => parse(input)).toThrow(message);
    expect(() => parse(input)).toThrow(/^descriptor\.json: /);
  });

  it('names malformed JSON', () => {
    expect(() => parseJson('{"changeType": ', '--changes')).toThrow(/^--changes: is not valid JSON/);
  });
});

describe('deriveMigrationName', () => {
  it('describes the change in snake_case', () => {
    const { changes } = parse({
      changeType: 'add_column',
      targetTable: 'User',
      changes: { columns: [{ name: 'preferences', type: 'Json', optional: true }] },
    });
    expect(deriveMigrationName(changes)).toBe('add_column_user_preferences');
    expect(
      deriveMigrationName(parse({ changeType: 'rename', targetTable: 'User', changes: { column: 'mail', to: 'emailAddress' } }).changes),
    ).toBe('rename_user_mail_to_email_address');
  });
});
