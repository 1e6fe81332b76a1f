import { addProjectConfiguration, logger, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readMigrationMeta } from '../../core/docs/migrations-index';
import { migrationChecksum } from '../../core/migration-folders';
import { SHOP_SCHEMA } from '../../test-support/shop-schema';
import { mermaidErrors } from '../../test-support/mermaid';
import migrationGenerator from './migration';

const ROOT = 'apps/shop';

function migrationFolders(tree: Tree): string[] {
  return tree
    .children(`${ROOT}/prisma/migrations`)
    .filter((name) => !tree.isFile(`${ROOT}/prisma/migrations/${name}`))
    .sort();
}

function files(tree: Tree, folder: string) {
  const read = (file: string) => tree.read(`${ROOT}/prisma/migrations/${folder}/${file}`, 'utf-8');
  return { up: read('migration.sql')!, down: read('down.sql')!, readme: read('README.md')! };
}

describe('migration generator', () => {
  let tree: Tree;
  // Lock measurement on a PostgreSQL server has its own integration test; here, none is configured.
  const testServer = process.env['TEST_DATABASE_URL'];
  beforeAll(() => delete process.env['TEST_DATABASE_URL']);
  afterAll(() => {
    if (testServer !== undefined) process.env['TEST_DATABASE_URL'] = testServer;
  });
  afterEach(() => jest.restoreAllMocks());

  beforeEach(async () => {
    for (const level of ['info', 'warn'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'shop', { root: ROOT, projectType: 'application' });
    tree.write(`${ROOT}/prisma/schema.prisma`, SHOP_SCHEMA);
    await migrationGenerator(tree, { project: 'shop', migrationName: 'init', skipFormat: true });
  });

  it('creates the first migration from the schema, with the lockfile, a down, docs and the index', () => {
    const [init] = migrationFolders(tree);
    expect(init).toMatch(/^\d{14}_init$/);
    const { up, down, readme } = files(tree, init);
    expect(up).toContain('CREATE TABLE "users"');
    expect(down).toContain('DROP TABLE "public"."users";');
    expect(readme).toContain('from the changes made to schema.prisma');
    expect(tree.read(`${ROOT}/prisma/migrations/migration_lock.toml`, 'utf-8')).toContain('provider = "postgresql"');
    expect(tree.read(`${ROOT}/prisma/migrations/MIGRATIONS.md`, 'utf-8')).toContain(`| [${init}](./${init}/README.md) |`);
    expect(tree.read(`${ROOT}/DATABASE_VERSION.md`, 'utf-8')).toMatch(
      new RegExp(`^# shop: database schema version 0\\.1\\.0\n[^]*\\| 0\\.1\\.0 \\| ${init} \\| minor \\| adds enums, tables`),
    );
  });

  it('generates an add_column migration: schema edited, SQL from the engine, docs with both diagrams', async () => {
    await migrationGenerator(tree, {
      project: 'shop',
      changeType: 'add_column',
      targetTable: 'User',
      changes: JSON.stringify({ columns: [{ name: 'preferences', type: 'Json', optional: true }] }),
      skipFormat: true,
    });
    const folder = migrationFolders(tree)[1];
    expect(folder).toMatch(/^\d{14}_add_column_user_preferences$/);
    const { up, down, readme } = files(tree, folder);
    expect(up.trim()).toBe('-- AlterTable\nALTER TABLE "users" ADD COLUMN     "preferences" JSONB;');
    expect(down.trim()).toBe('-- AlterTable\nALTER TABLE "users" DROP COLUMN "preferences";');
    expect(tree.read(`${ROOT}/prisma/schema.prisma`, 'utf-8')).toMatch(/posts +Post\[\]\n +preferences +Json\?\n/);
    expect(readmeSections(readme)).toEqual([
      'What changes',
      'Schema before',
      'Schema after',
      'Up: `migration.sql`',
      'Down: `down.sql`',
      'Safety findings',
      'Breaking changes',
      'Rollback',
      'Runbook',
    ]);
    expect(readMigrationMeta(readme)).toEqual({
      change: 'Add column User.preferences (Json?)',
      reversible: true,
      risk: 'low',
      codes: ['LK106'],
    });
    expect(readme).toContain(
      '| LK106 (info) | 2 | takes a lock on users with no lock_timeout set | size unknown (DATABASE_URL is not set) |',
    );
    const diagrams = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(diagrams).toHaveLength(2);
    expect(diagrams[1]).toContain('Json preferences "added, nullable"');
    expect(mermaidErrors(diagrams)).toEqual([null, null]);
    for (const text of [up, down, readme]) expect(text).not.toMatch(/&#39;|&gt;|&lt;|&quot;|&amp;/);
  });

  it('takes a descriptor file with several changes, and keeps quotes and arrows unescaped', async () => {
    tree.write(
      'descriptors/tenant.json',
      JSON.stringify([
        {
          migrationName: 'tenant notes',
          changeType: 'add_table',
          targetTable: 'Note',
          changes: {
            columns: [
              { name: 'id', type: 'Int', default: 'autoincrement()' },
              { name: 'body', type: 'String', default: 'it\'s <fine> & "quoted"' },
            ],
            tenantScoped: true,
          },
        },
        {
          changeType: 'add_relation',
          targetTable: 'Note',
          changes: { field: 'author', references: 'User', fields: ['authorId'], referencedFields: ['id'] },
        },
      ]),
    );
    await migrationGenerator(tree, { project: 'shop', descriptor: 'descriptors/tenant.json', skipFormat: true });
    const folder = migrationFolders(tree)[1];
    expect(folder).toMatch(/_tenant_notes$/);
    const { up, down, readme } = files(tree, folder);
    expect(up).toContain(`DEFAULT 'it''s <fine> & "quoted"'`);
    expect(up).toContain('CREATE POLICY "Note_tenant_isolation"');
    expect(down.indexOf('DROP POLICY')).toBeLessThan(down.indexOf('DROP TABLE'));
    expect(readme).toContain('Note }o--o| User : "author"');
    for (const text of [up, down, readme]) expect(text).not.toMatch(/&#39;|&gt;|&lt;|&quot;|&amp;/);
  });

  it('generates from a hand-edited schema (schema mode)', async () => {
    tree.write(`${ROOT}/prisma/schema.prisma`, SHOP_SCHEMA.replace('  name      String?\n', '  name      String?\n  nickname  String?\n'));
    await migrationGenerator(tree, { project: 'shop', migrationName: 'nickname', skipFormat: true });
    const { up, down, readme } = files(tree, migrationFolders(tree)[1]);
    expect(up.trim()).toBe('-- AlterTable\nALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
    expect(down.trim()).toBe('-- AlterTable\nALTER TABLE "public"."users" DROP COLUMN "nickname";');
    expect(readme).toContain('- Add User.nickname');
  });

  it('refuses a data loss unless approved, and records the approval with the SQL it approves', async () => {
    const options = {
      project: 'shop',
      changeType: 'remove_column',
      targetTable: 'users',
      changes: '{"columns":["name"]}',
      skipFormat: true,
    };
    await expect(migrationGenerator(tree, options)).rejects.toThrow(
      /The migration would lose data, so nothing was written:\n {2}DS102 \d{14}_remove_column_users_name line 2: drops column users\.name/,
    );
    expect(migrationFolders(tree)).toHaveLength(1);

    await migrationGenerator(tree, { ...options, allowDataLoss: true });
    const folder = migrationFolders(tree)[1];
    const { up, down, readme } = files(tree, folder);
    // The down makes the column again; migrate-deploy's archive brings its values back.
    expect(down).toMatch(/ALTER TABLE "users" ADD COLUMN\s+"name" TEXT;/);
    expect(down).not.toContain('forge:irreversible');
    expect(readme).toMatch(/What it drops \(column users\.name\) is archived by `nx run .+:migrate-deploy` before it runs/);
    expect(readme).toContain('Risk: **data loss**');
    expect(readme).toMatch(/Data loss approved by .+ on \d{4}-\d\d-\d\dT.+ \(DS102\)/);
    const approval = JSON.parse(tree.read(`${ROOT}/prisma/migrations/${folder}/approval.json`, 'utf-8')!);
    expect(approval).toMatchObject({
      migrationSha256: migrationChecksum(up),
      codes: ['DS102'],
      findings: ['DS102 line 2: drops column users.name and its values'],
    });
  });

  it('does a type change that may fail expand/contract: new column, data step, then the swap', async () => {
    await migrationGenerator(tree, {
      project: 'shop',
      changeType: 'modify_column',
      targetTable: 'Post',
      changes: '{"column":"title","type":"Int","using":"length(\\"title\\")"}',
      skipFormat: true,
    });
    const [, expand, contract] = migrationFolders(tree);
    expect(expand).toMatch(/_modify_column_post_title_expand$/);
    expect(contract).toMatch(/_modify_column_post_title_contract$/);
    const first = files(tree, expand);
    expect(first.up).toContain('ALTER TABLE "Post" ADD COLUMN     "title__forge_new" INTEGER;');
    expect(first.up).toContain('CREATE TRIGGER "Post_title_forge_sync"');
    expect(first.down.indexOf('DROP TRIGGER')).toBeLessThan(first.down.indexOf('DROP COLUMN'));
    const step = tree.read(`${ROOT}/prisma/migrations/${expand}/data-migration.ts`, 'utf-8')!;
    expect(step).toContain(`await sql("UPDATE \\"Post\\" SET \\"title__forge_new\\" = (length(\\"title\\"))`);
    expect(step).not.toMatch(/&#39;|&gt;|&lt;|&quot;|&amp;/);
    const second = files(tree, contract);
    expect(second.up).toMatch(/RAISE EXCEPTION 'Post\.title: rows are not copied/);
    expect(second.up).toContain('ALTER TABLE "Post" RENAME COLUMN "title__forge_new" TO "title";');
    expect(second.down).toMatch(/^-- forge:irreversible: the TEXT values of Post\.title are dropped/);
    expect(tree.read(`${ROOT}/prisma/schema.prisma`, 'utf-8')).toMatch(/title +Int\n/);
    expect(tree.read(`${ROOT}/prisma/schema.prisma`, 'utf-8')).not.toContain('__forge_new');
  });

  describe('bad input leaves the workspace untouched', () => {
    const snapshot = (t: Tree) =>
      t
        .listChanges()
        .map((change) => `${change.type} ${change.path}`)
        .sort();

    it.each([
      [{ changeType: 'add_colum', targetTable: 'User', changes: '{}' }, 'changeType: "add_colum" is not one of'],
      [
        { changeType: 'add_column', targetTable: 'Nope', changes: '{"columns":[{"name":"a","type":"Int","optional":true}]}' },
        'no model or table named "Nope"',
      ],
      [
        { changeType: 'add_column', targetTable: 'User', changes: '{"columns":[{"name":"email","type":"String","optional":true}]}' },
        'already has a field or column "email"',
      ],
      [
        { changeType: 'add_column', targetTable: 'User', changes: '{"columns":[{"name":"k","type":"Mood","optional":true}]}' },
        '"Mood" is neither a Prisma scalar',
      ],
      [
        { changeType: 'add_column', targetTable: 'User', changes: '{"columns":[{"name":"a;b","type":"Int","optional":true}]}' },
        'contains a quote, backslash or semicolon',
      ],
      [
        {
          changeType: 'add_relation',
          targetTable: 'Post',
          changes: '{"field":"x","references":"Ghost","fields":["xId"],"referencedFields":["id"]}',
        },
        'no model or table named "Ghost"',
      ],
      [{ changeType: 'add_column', targetTable: 'User', changes: '{"columns": [' }, '--changes: is not valid JSON'],
      [{ changes: '{}' }, '--changes and --targetTable need --changeType'],
      [{}, 'There is nothing to migrate'],
    ])('%#: %j', async (options, message) => {
      const before = snapshot(tree);
      await expect(migrationGenerator(tree, { project: 'shop', skipFormat: true, ...options })).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
      expect(migrationFolders(tree)).toHaveLength(1);
    });

    it('names an unknown project', async () => {
      await expect(migrationGenerator(tree, { project: 'nope' })).rejects.toThrow(/There is no project "nope"/);
    });
  });
});

function readmeSections(readme: string): string[] {
  return [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
}
