import { applyChanges } from '../changes/apply-changes';
import { parseChangeRequest } from '../changes/descriptor';
import { readDatamodel } from '../schema/datamodel';
import { SHOP_FILES } from '../../test-support/shop-schema';
import { mermaidErrors } from '../../test-support/mermaid';
import { attributeChanges, erDiagram } from './er-diagram';

describe('erDiagram', () => {
  const before = readDatamodel(SHOP_FILES);

  it('draws the model and its neighbours with keys, nullability, mapped columns and the relation', () => {
    expect(erDiagram(before, ['Post'])).toBe(
      [
        'erDiagram',
        '  User {',
        '    Int id PK',
        '    String email UK',
        '    String name "nullable"',
        '    Role role',
        '    DateTime createdAt "column created_at"',
        '  }',
        '  Post {',
        '    Int id PK',
        '    String title',
        '    Int authorId FK',
        '  }',
        '  Post }o--|| User : "author"',
      ].join('\n'),
    );
  });

  it('marks what a change adds, removes and changes, and every diagram parses with mermaid', () => {
    const { datamodel: after } = applyChanges(
      SHOP_FILES,
      parseChangeRequest(
        [
          { changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'preferences', type: 'Json', optional: true }] } },
          { changeType: 'remove_column', targetTable: 'User', changes: { columns: ['name'] } },
          { changeType: 'modify_column', targetTable: 'Post', changes: { column: 'title', nativeType: 'VarChar(300)' } },
        ],
        'spec',
      ).changes,
    );
    const marks = attributeChanges(before, after);
    const diagrams = [erDiagram(before, ['User', 'Post'], marks.before), erDiagram(after, ['User', 'Post'], marks.after)];
    expect(diagrams[0]).toContain('String name "removed, nullable"');
    expect(diagrams[1]).toContain('Json preferences "added, nullable"');
    expect(diagrams[1]).toContain('String title "changed"');
    expect(mermaidErrors([...diagrams, erDiagram(before, [])])).toEqual([null, null, null]);
  });

  it('finds no change where a schema spells out the default native type that introspection leaves out', () => {
    const schema = (title: string) => [
      { path: 'schema.prisma', content: `datasource db {\n  provider = "postgresql"\n}\n\nmodel Post {\n  id Int @id\n  ${title}\n}\n` },
    ];
    const marks = (a: string, b: string) => attributeChanges(readDatamodel(schema(a)), readDatamodel(schema(b))).after;
    expect(marks('rank Int', 'rank Int @db.Integer')).toEqual(new Map());
    expect(marks('at DateTime', 'at DateTime @db.Timestamp(3)')).toEqual(new Map());
    expect(marks('at DateTime', 'at DateTime @db.Timestamp(6)')).toEqual(new Map([['Post.at', 'changed']]));
    expect(marks('rank Int', 'rank Int @db.SmallInt')).toEqual(new Map([['Post.rank', 'changed']]));
  });

  it('is checked by a parser that does reject a broken diagram', () => {
    expect(mermaidErrors(['erDiagram\n  User ||--o{ : oops'])[0]).toMatch(/Parse error/);
  });
});
