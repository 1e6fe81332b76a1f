import { SHOP_FILES, SHOP_SCHEMA } from '../../test-support/shop-schema';
import { blockRange } from '../schema/schema-document';
import { applyChanges } from './apply-changes';
import type { Change } from './change';
import { parseChangeRequest } from './descriptor';

const changes = (...descriptors: object[]): Change[] => parseChangeRequest(descriptors, 'spec').changes;
const apply = (...descriptors: object[]) => applyChanges(SHOP_FILES, changes(...descriptors));
const block = (content: string, name: string) => {
  const range = blockRange(content, name)!;
  return content.slice(range.start, range.end);
};

describe('applyChanges', () => {
  it('adds columns with defaults, unique, map and native types, and keeps every untouched byte', () => {
    const { files, plan, datamodel } = apply({
      changeType: 'add_column',
      targetTable: 'users',
      changes: {
        columns: [
          { name: 'preferences', type: 'Json', optional: true },
          { name: 'score', type: 'Int', default: 0 },
          { name: 'code', type: 'String', default: 'none', unique: true, map: 'user_code', nativeType: 'VarChar(20)' },
          { name: 'kind', type: 'Role', default: 'ADMIN' },
          { name: 'uid', type: 'String', default: 'dbgenerated("gen_random_uuid()")', nativeType: 'Uuid' },
          { name: 'seenAt', type: 'DateTime', default: 'now()' },
        ],
      },
    });
    const content = files[0].content;
    expect(block(content, 'User')).toMatch(/ {2}posts +Post\[\]\n {2}preferences +Json\?\n/);
    expect(block(content, 'User')).toMatch(/score\s+Int\s+@default\(0\)/);
    const code = block(content, 'User')
      .split('\n')
      .find((line) => line.trim().startsWith('code'))!;
    for (const attribute of ['@default("none")', '@unique', '@map("user_code")', '@db.VarChar(20)']) expect(code).toContain(attribute);
    expect(block(content, 'User')).toMatch(/kind\s+Role\s+@default\(ADMIN\)/);
    expect(block(content, 'User')).toMatch(/uid\s+String\s+@default\(dbgenerated\("gen_random_uuid\(\)"\)\) @db\.Uuid/);
    expect(block(content, 'User')).toMatch(/seenAt\s+DateTime\s+@default\(now\(\)\)/);
    // Untouched: the comment, the enum, and the oddly laid-out Post block, byte for byte.
    expect(content.slice(0, blockRange(content, 'User')!.start)).toBe(SHOP_SCHEMA.slice(0, blockRange(SHOP_SCHEMA, 'User')!.start));
    expect(block(content, 'Post')).toBe(block(SHOP_SCHEMA, 'Post'));
    expect(datamodel.models.find((m) => m.name === 'User')!.fields.map((f) => f.name)).toContain('preferences');
    expect(plan.summary[0]).toBe('Add column User.preferences (Json?)');
  });

  it('refuses a required column without a default on an existing table, naming it', () => {
    expect(() => apply({ changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'age', type: 'Int' }] } })).toThrow(
      /add_column User: columns\[0\]: required column "age" has no default, so the rows already in users would have no value/,
    );
  });

  it('refuses unknown models, columns, types and enum values, and duplicates', () => {
    expect(() =>
      apply({ changeType: 'add_column', targetTable: 'Nope', changes: { columns: [{ name: 'a', type: 'Int', optional: true }] } }),
    ).toThrow(/add_column Nope: no model or table named "Nope"/);
    expect(() =>
      apply({ changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'a', type: 'Strng', optional: true }] } }),
    ).toThrow(/columns\[0\]\.type: "Strng" is neither a Prisma scalar/);
    expect(() =>
      apply({ changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'email', type: 'String', optional: true }] } }),
    ).toThrow(/already has a field or column "email"/);
    expect(() =>
      apply({
        changeType: 'add_column',
        targetTable: 'User',
        changes: { columns: [{ name: 'created_at', type: 'String', optional: true }] },
      }),
    ).toThrow(/already has a field or column "created_at"/);
    expect(() =>
      apply({ changeType: 'add_column', targetTable: 'User', changes: { columns: [{ name: 'k', type: 'Role', default: 'GUEST' }] } }),
    ).toThrow(/columns\[0\]\.default: "GUEST" is not a value of enum Role/);
    expect(() => apply({ changeType: 'remove_column', targetTable: 'User', changes: { columns: ['nope'] } })).toThrow(
      /model User has no field or column "nope"/,
    );
  });

  it('removes a column, reversible (its values come back from the archive), and names what breaks', () => {
    const { files, plan } = apply({ changeType: 'remove_column', targetTable: 'User', changes: { columns: ['name'] } });
    expect(block(files[0].content, 'User')).not.toMatch(/\bname\b/);
    expect(plan.irreversible).toEqual([]);
    expect(plan.breaking[0]).toMatch(/User\.name no longer exists/);
  });

  it('refuses to remove a column an index or relation uses', () => {
    expect(() => apply({ changeType: 'remove_column', targetTable: 'Post', changes: { columns: ['authorId'] } })).toThrow(
      /column "authorId" is used by @@index\(\[authorId\]\), relation Post\.author/,
    );
  });

  it('modifies a column: type, optionality, default, and records the type change', () => {
    const { files, plan } = apply({
      changeType: 'modify_column',
      targetTable: 'Post',
      changes: { column: 'title', type: 'Int', using: 'length("title")', default: 0 },
    });
    expect(block(files[0].content, 'Post')).toMatch(/title\s+Int\s+@default\(0\)/);
    expect(plan.typeChanges).toEqual([
      {
        model: 'Post',
        table: 'Post',
        field: 'title',
        column: 'title',
        from: 'String',
        to: 'Int',
        fromSql: 'TEXT',
        toSql: 'INTEGER',
        using: 'length("title")',
      },
    ]);
    const optional = apply({
      changeType: 'modify_column',
      targetTable: 'User',
      changes: { column: 'role', optional: true, default: null },
    });
    expect(block(optional.files[0].content, 'User')).toMatch(/role\s+Role\?\n/);
  });

  it('renames a column with SQL that keeps its values, and every reference to the field', () => {
    const { files, plan } = apply({ changeType: 'rename', targetTable: 'Post', changes: { column: 'authorId', to: 'writerId' } });
    const post = block(files[0].content, 'Post');
    expect(post).toContain('writerId Int');
    expect(post).toContain('@relation(fields: [writerId], references: [id])');
    expect(post).toContain('@@index([writerId])');
    expect(plan.upPrelude).toEqual(['ALTER TABLE "Post" RENAME COLUMN "authorId" TO "writerId";']);
    expect(plan.downPrelude).toEqual(['ALTER TABLE "Post" RENAME COLUMN "writerId" TO "authorId";']);
  });

  it('renames a column but keeps the field name in code with @map', () => {
    const { files, plan } = apply({
      changeType: 'rename',
      targetTable: 'User',
      changes: { column: 'created_at', to: 'registered_at', keepModelName: true },
    });
    expect(block(files[0].content, 'User')).toMatch(/createdAt\s+DateTime\s+@default\(now\(\)\) @map\("registered_at"\)/);
    expect(plan.upPrelude).toEqual(['ALTER TABLE "users" RENAME COLUMN "created_at" TO "registered_at";']);
    expect(plan.breaking).toEqual([]);
  });

  it('renames a table and the model, updating the relations that point at it', () => {
    const { files, plan } = apply({ changeType: 'rename', targetTable: 'User', changes: { table: 'Member' } });
    const content = files[0].content;
    expect(blockRange(content, 'User')).toBeUndefined();
    expect(block(content, 'Member')).not.toContain('@@map');
    expect(block(content, 'Post')).toMatch(/author\s+Member\s+@relation/);
    expect(plan.upPrelude).toEqual(['ALTER TABLE "users" RENAME TO "Member";']);
    const kept = apply({ changeType: 'rename', targetTable: 'User', changes: { table: 'members', keepModelName: true } });
    expect(block(kept.files[0].content, 'User')).toContain('@@map("members")');
  });

  it("adds an index, unique or not, concurrently, with Prisma's default name", () => {
    const { files, plan } = apply({ changeType: 'add_index', targetTable: 'Post', changes: { columns: ['title'], concurrently: true } });
    expect(block(files[0].content, 'Post')).toContain('@@index([title])');
    expect(plan.concurrentIndexes).toEqual(['Post_title_idx']);
    const unique = apply({
      changeType: 'add_index',
      targetTable: 'User',
      changes: { columns: ['name', 'role'], unique: true, name: 'users_name_role' },
    });
    expect(block(unique.files[0].content, 'User')).toContain('@@unique([name, role], map: "users_name_role")');
    expect(() => apply({ changeType: 'add_index', targetTable: 'Post', changes: { columns: ['authorId'] } })).toThrow(
      /already has an index on \(authorId\)/,
    );
  });

  it('removes an index by columns or by name, also a field-level @unique', () => {
    expect(
      block(apply({ changeType: 'remove_index', targetTable: 'Post', changes: { columns: ['authorId'] } }).files[0].content, 'Post'),
    ).not.toContain('@@index');
    expect(
      block(apply({ changeType: 'remove_index', targetTable: 'User', changes: { name: 'users_email_key' } }).files[0].content, 'User'),
    ).toMatch(/email\s+String\n/);
    expect(() => apply({ changeType: 'remove_index', targetTable: 'User', changes: { name: 'nope' } })).toThrow(
      /has no index named "nope"/,
    );
  });

  it('adds a table with a primary key, and a tenant-scoped one with row-level security', () => {
    const { files, plan } = apply({
      changeType: 'add_table',
      targetTable: 'Invoice',
      changes: {
        columns: [
          { name: 'id', type: 'String', default: 'uuid()' },
          { name: 'total', type: 'Decimal' },
        ],
        tenantScoped: true,
      },
    });
    const invoice = block(files[0].content, 'Invoice');
    expect(invoice).toMatch(/id\s+String\s+@id @default\(uuid\(\)\)/);
    expect(invoice).toContain('tenantId String');
    expect(invoice).toContain('@@index([tenantId])');
    expect(plan.upAppendix).toEqual([
      'ALTER TABLE "Invoice" ENABLE ROW LEVEL SECURITY;',
      `CREATE POLICY "Invoice_tenant_isolation" ON "Invoice" USING ("tenantId" = ` +
        `current_setting('app.tenant_id', true)) WITH CHECK ("tenantId" = ` +
        `current_setting('app.tenant_id', true));`,
    ]);
    expect(plan.downAppendix).toEqual([
      'DROP POLICY "Invoice_tenant_isolation" ON "Invoice";',
      'ALTER TABLE "Invoice" DISABLE ROW LEVEL SECURITY;',
    ]);
    const composite = apply({
      changeType: 'add_table',
      targetTable: 'Tag',
      changes: {
        columns: [
          { name: 'postId', type: 'Int' },
          { name: 'label', type: 'String' },
        ],
        primaryKey: ['postId', 'label'],
      },
    });
    expect(block(composite.files[0].content, 'Tag')).toContain('@@id([postId, label])');
    expect(() => apply({ changeType: 'add_table', targetTable: 'Tag', changes: { columns: [{ name: 'label', type: 'String' }] } })).toThrow(
      /needs a primary key/,
    );
    expect(() => apply({ changeType: 'add_table', targetTable: 'users', changes: { columns: [{ name: 'id', type: 'Int' }] } })).toThrow(
      /already exists/,
    );
  });

  it('removes a table with the relation fields that point at it', () => {
    const { files, plan } = apply({ changeType: 'remove_table', targetTable: 'Post', changes: {} });
    expect(blockRange(files[0].content, 'Post')).toBeUndefined();
    expect(block(files[0].content, 'User')).not.toContain('posts');
    expect(plan.irreversible).toEqual([]);
  });

  it('adds a relation with a new nullable foreign key, its index and the back relation', () => {
    const { files, plan } = apply({
      changeType: 'add_relation',
      targetTable: 'Post',
      changes: {
        field: 'editor',
        references: 'User',
        fields: ['editorId'],
        referencedFields: ['id'],
        onDelete: 'SetNull',
        backRelationField: 'editedPosts',
      },
    });
    const post = block(files[0].content, 'Post');
    expect(post).toMatch(/editorId\s+Int\?/);
    expect(post).toMatch(/editor\s+User\?\s+@relation\("Post_editor", fields: \[editorId\], references: \[id\], onDelete: SetNull\)/);
    expect(post).toContain('@@index([editorId])');
    expect(block(files[0].content, 'User')).toMatch(/editedPosts\s+Post\[\]\s+@relation\("Post_editor"\)/);
    expect(plan.affectedModels).toEqual(['Post', 'User']);
    expect(() =>
      apply({
        changeType: 'add_relation',
        targetTable: 'Post',
        changes: { field: 'x', references: 'Nope', fields: ['xId'], referencedFields: ['id'] },
      }),
    ).toThrow(/no model or table named "Nope"/);
  });

  it('removes a relation and its back relation, keeping the foreign-key column', () => {
    const { files } = apply({ changeType: 'remove_relation', targetTable: 'Post', changes: { field: 'author' } });
    expect(block(files[0].content, 'Post')).toContain('authorId Int');
    expect(block(files[0].content, 'Post')).not.toContain('author   User');
    expect(block(files[0].content, 'User')).not.toContain('posts');
  });

  it('carries raw SQL, requiring a down or an irreversible reason', () => {
    const { plan } = apply({ changeType: 'sql', changes: { up: 'CREATE EXTENSION citext;', down: 'DROP EXTENSION citext;' } });
    expect(plan.upAppendix).toEqual(['CREATE EXTENSION citext;']);
    expect(plan.downAppendix).toEqual(['DROP EXTENSION citext;']);
    expect(() => apply({ changeType: 'sql', changes: { up: 'SELECT 1' } })).toThrow(/needs "down"/);
  });

  it('applies a list of changes in order: a table, then a relation to it', () => {
    const { datamodel } = apply(
      {
        changeType: 'add_table',
        targetTable: 'Category',
        changes: {
          columns: [
            { name: 'id', type: 'Int', default: 'autoincrement()' },
            { name: 'label', type: 'String' },
          ],
        },
      },
      {
        changeType: 'add_relation',
        targetTable: 'Post',
        changes: { field: 'category', references: 'Category', fields: ['categoryId'], referencedFields: ['id'] },
      },
    );
    expect(datamodel.models.find((m) => m.name === 'Category')!.fields.map((f) => f.name)).toEqual(['id', 'label', 'posts']);
  });
});
