import { logger } from '@nx/devkit';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import type { DatabaseEngine } from '../../adapters/db/database';
import { testProject } from '../../use-cases/test';
import { DATABASE_ENGINES, testServerUrl } from '../../test-support/databases';
import { FIXTURES_DIR, REPO_ROOT, temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import downScriptsGenerator from './down-scripts';

/** down-scripts writing to disk, then migrate-test proving every down it wrote, on both databases. */
describe('down-scripts under migrate-test', () => {
  let workspace: TemporaryProject;
  const projectDir = () => path.join(workspace.dir, 'apps/venture');
  const migrationsDir = () => path.join(projectDir(), 'prisma/migrations');

  async function generate() {
    const tree = new FsTree(workspace.dir, false);
    await downScriptsGenerator(tree, { project: 'venture' });
    flushChanges(workspace.dir, tree.listChanges());
  }

  const test = (engine: DatabaseEngine) =>
    testProject({
      project: 'venture',
      projectRoot: projectDir(),
      workspaceRoot: REPO_ROOT,
      url: engine === 'postgresql' ? testServerUrl() : undefined,
      urlSource: 'TEST_DATABASE_URL',
      allowDrift: true,
    });

  function addMigration(name: string, sql: string) {
    mkdirSync(path.join(migrationsDir(), name), { recursive: true });
    writeFileSync(path.join(migrationsDir(), name, 'migration.sql'), sql);
  }

  const downOf = (name: string) => readFileSync(path.join(migrationsDir(), name, 'down.sql'), 'utf8');

  beforeEach(() => {
    for (const level of ['info', 'warn'] as const) jest.spyOn(logger, level).mockImplementation(() => undefined);
    workspace = temporaryDir('forge-downs-');
    writeFileSync(path.join(workspace.dir, 'nx.json'), '{}');
    mkdirSync(projectDir(), { recursive: true });
    writeFileSync(path.join(projectDir(), 'project.json'), JSON.stringify({ name: 'venture', root: 'apps/venture' }));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    workspace.remove();
  });

  describe('on the umami history', () => {
    beforeEach(() => cpSync(path.join(FIXTURES_DIR, 'umami/prisma'), path.join(projectDir(), 'prisma'), { recursive: true }));

    it.each(DATABASE_ENGINES)(
      'writes a down for every migration, and every down not marked irreversible is verified (%s)',
      async (engine) => {
        await generate();
        const names = readdirSync(migrationsDir(), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name);
        expect(names.every((name) => existsSync(path.join(migrationsDir(), name, 'down.sql')))).toBe(true);
        const report = await test(engine);
        const irreversible = report.migrations.filter((m) => m.down === 'irreversible');
        const reversible = report.migrations.filter((m) => m.down !== 'irreversible');
        expect(reversible.map((m) => [m.name, m.down, m.downDetails])).toEqual(reversible.map((m) => [m.name, 'verified', []]));
        // Irreversible only where the migration changes or drops data, never because no script could be derived.
        for (const migration of irreversible) expect(downOf(migration.name)).not.toMatch(/no down script could be derived/);
        expect(irreversible.map((m) => m.name)).toEqual([
          '02_report_schema_session_data', // UPDATE event_data
          '14_add_link_and_pixel', // narrowing varchars, DELETE/UPDATE/INSERT on report
        ]);
        // What the others drop (a table, columns, a varchar turned jsonb) comes back from the archive, every value checked;
        // and what the downs drop (what a migration added, with its rows) comes back when the migration is applied again.
        const restored = report.migrations.filter((m) => m.restored?.length);
        expect(restored.map((m) => m.name)).toEqual(
          expect.arrayContaining([
            '04_team_redesign', // DROP TABLE team_website
            '06_session_data', // DROP COLUMN
            '09_update_hostname_region', // DROP COLUMN (two)
            '12_update_report_parameter', // varchar -> jsonb
            '15_add_share', // DROP COLUMN
            '19_add_session_replay', // DROP COLUMN
            '01_init', // the tables it makes, the admin user it inserts among their rows
          ]),
        );
        for (const line of restored.flatMap((m) => m.restored!)) expect(line).toMatch(/^[1-9]\d* (rows|values) of .* every one checked$/);
        expect(downOf('19_add_session_replay')).toMatch(/column "?board"?\."?slug"?\)? is archived by migrate-deploy/);
        expect(report.errors).toEqual([]);
      },
    );
  });

  it('writes downs for what Prisma does not model, marks data changes irreversible, keeps existing downs', async () => {
    writeFileSync(path.join(projectDir(), 'package.json'), JSON.stringify({ name: 'venture' }));
    mkdirSync(path.join(projectDir(), 'prisma'), { recursive: true });
    writeFileSync(path.join(projectDir(), 'prisma/schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n');
    addMigration(
      '1_init',
      'CREATE TABLE "Account" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL, "balance" INTEGER NOT NULL DEFAULT 0);',
    );
    addMigration(
      '2_rules',
      [
        'CREATE EXTENSION IF NOT EXISTS citext;',
        'ALTER TABLE "Account" ADD COLUMN "handle" citext;',
        'ALTER TABLE "Account" ADD CONSTRAINT "balance_positive" CHECK ("balance" >= 0);',
        'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."balance" := NEW."balance"; RETURN NEW; END $$;',
        'CREATE TRIGGER "Account_touch" BEFORE UPDATE ON "Account" FOR EACH ROW EXECUTE FUNCTION touch();',
        'CREATE VIEW "RichAccount" AS SELECT "id", "email" FROM "Account" WHERE "balance" > 100;',
        'ALTER TABLE "Account" ENABLE ROW LEVEL SECURITY;',
        `CREATE POLICY "own_rows" ON "Account" USING ("email" = current_user);`,
        'CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");',
      ].join('\n'),
    );
    addMigration('3_backfill', 'UPDATE "Account" SET "balance" = 1 WHERE "balance" = 0;');
    addMigration(
      '4_drop_rules',
      'DROP VIEW "RichAccount";\nDROP TRIGGER "Account_touch" ON "Account";\nDROP FUNCTION touch();\nALTER TABLE "Account" DROP CONSTRAINT "balance_positive";',
    );
    addMigration(
      '4b_rename',
      'ALTER TABLE "Account" RENAME COLUMN "email" TO "mail";\nALTER TABLE "Account" RENAME TO ' +
        '"Member";\nALTER INDEX "Account_email_key" RENAME TO "Member_mail_key";',
    );
    addMigration('5_kept', 'CREATE TABLE "Note" ("id" INTEGER PRIMARY KEY);');
    writeFileSync(path.join(migrationsDir(), '5_kept/down.sql'), '-- written by hand\nDROP TABLE "Note";\n');
    addMigration('6_log', 'CREATE TABLE "Log" ("at" TIMESTAMP(3) NOT NULL, "line" TEXT NOT NULL);');
    addMigration('7_drops', 'ALTER TABLE "Member" DROP COLUMN "balance";\nALTER TABLE "Log" DROP COLUMN "line";');
    addMigration('8_drop_note', 'DROP TABLE "Note";');
    addMigration('9_drop_mail', 'DROP POLICY "own_rows" ON "Member";\nALTER TABLE "Member" DROP COLUMN "mail";');
    addMigration('9b_clear', 'TRUNCATE "Log";\nDELETE FROM "Member";');

    await generate();

    expect(downOf('1_init')).toMatch(/DROP TABLE "public"."Account"/);
    expect(downOf('2_rules')).toMatch(/DROP EXTENSION IF EXISTS citext/);
    expect(downOf('2_rules')).toMatch(/DROP TRIGGER IF EXISTS "Account_touch"/);
    expect(downOf('3_backfill')).toMatch(/^-- forge:irreversible: statement 1 updates rows of the existing table Account/);
    expect(downOf('4_drop_rules')).toMatch(/CREATE VIEW public."RichAccount"/);
    expect(downOf('4b_rename')).toContain(
      'ALTER TABLE "Member" RENAME TO "Account";\nALTER TABLE "Account" RENAME COLUMN "mail" TO "email";',
    );
    expect(downOf('5_kept')).toBe('-- written by hand\nDROP TABLE "Note";\n');
    // A column of a table without a key cannot be archived: its values would not find their rows again.
    expect(downOf('7_drops')).toMatch(/^-- forge:irreversible: DS102: drops column Log.line/);
    // A dropped table comes back with its rows from the archive; a required column added back nullable, NOT NULL once its values are in.
    expect(downOf('8_drop_note')).toMatch(/\(table Note\) is archived by migrate-deploy[^]*CREATE TABLE "Note"/);
    expect(downOf('9_drop_mail')).toMatch(/ADD COLUMN\s+"mail" TEXT;[^]*ALTER TABLE "Member" ALTER COLUMN "mail" SET NOT NULL;\s*$/);
    // Emptied tables keep their schema: the down is empty, and the archive puts their rows back.
    expect(downOf('9b_clear')).toMatch(
      /\(rows of table Log, rows of table Member\) is archived by migrate-deploy[^]*changed nothing in the schema\.\n$/,
    );
    for (const engine of DATABASE_ENGINES) {
      const report = await test(engine);
      expect(report.migrations.map((m) => [m.name, m.down, m.downDetails])).toEqual([
        ['1_init', 'verified', []],
        ['2_rules', 'verified', []],
        ['3_backfill', 'irreversible', ['statement 1 updates rows of the existing table Account']],
        ['4_drop_rules', 'verified', []],
        ['4b_rename', 'verified', []],
        ['5_kept', 'verified', []],
        ['6_log', 'verified', []],
        ['7_drops', 'irreversible', [expect.stringMatching(/^DS102: drops column Log.line/)]],
        ['8_drop_note', 'verified', []],
        ['9_drop_mail', 'verified', []],
        ['9b_clear', 'verified', []],
      ]);
    }
  });
});
