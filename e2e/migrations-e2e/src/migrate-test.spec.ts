import pg from 'pg';
import { parse } from 'yaml';
import { E2eWorkspace } from './workspace';

/**
 * The plugin as a team meets it: installed from its package into an Nx 23 workspace with two
 * ventures, registered once in nx.json, every target inferred.
 */
describe('@forge/migrations in a real Nx workspace', () => {
  let workspace: E2eWorkspace;
  const serverUrl = process.env['TEST_DATABASE_URL'];

  beforeAll(() => {
    if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run the e2e tests with `npm test`, which starts PostgreSQL.');
    workspace = E2eWorkspace.create();
    workspace.addVenture('v1');
    workspace.addVenture('v2');
    workspace.addVenture('v3', { configured: true });
    workspace.git('add', '-A');
    workspace.git('commit', '-qm', 'two ventures');
  });
  afterAll(() => workspace?.dispose());

  it('infers migrate-test for every venture with a Prisma schema', () => {
    const { code, output } = workspace.nx(['show', 'project', 'v1', '--json']);
    expect(code).toBe(0);
    const target = JSON.parse(output).targets['migrate-test'];
    expect(target).toMatchObject({ executor: '@forge/migrations:test', cache: true });
    expect(target.inputs).toContainEqual({ externalDependencies: ['@forge/migrations'] });
  });

  it("keeps every other venture's targets when one venture's prisma.config.ts is broken, and names it", () => {
    workspace.write('ventures/vx/project.json', JSON.stringify({ name: 'vx' }));
    workspace.write('ventures/vx/prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    workspace.write('ventures/vx/prisma.config.ts', 'export default { schema: ;\n');
    try {
      const good = workspace.nx(['run', 'v1:migrate-lint', '--outputStyle=static', '--skip-nx-cache']);
      expect(good.code).toBe(0);
      expect(good.output).toMatch(/@forge\/migrations: ventures\/vx: .*prisma\.config\.ts/);
      const broken = workspace.nx(['run', 'vx:migrate-lint', '--outputStyle=static', '--skip-nx-cache']);
      expect(broken.code).not.toBe(0);
      expect(broken.output).toMatch(/migrate-lint vx: Cannot load .*prisma\.config\.ts/);
    } finally {
      workspace.remove('ventures/vx');
    }
  });

  it('still runs its targets when the lockfile does not list the plugin (installed by path)', () => {
    const saved = workspace.read('package-lock.json');
    const lock = JSON.parse(saved);
    for (const key of Object.keys(lock.packages)) if (key.endsWith('node_modules/@forge/migrations')) delete lock.packages[key];
    delete lock.packages['']?.dependencies?.['@forge/migrations'];
    delete lock.packages['']?.devDependencies?.['@forge/migrations'];
    workspace.write('package-lock.json', JSON.stringify(lock, null, 2));
    try {
      const inputs = JSON.parse(workspace.nx(['show', 'project', 'v1', '--json']).output).targets['migrate-lint'].inputs;
      expect(inputs).toContainEqual({ runtime: `node -p "require('@forge/migrations/package.json').version"` });
      const { code, output } = workspace.nx(['run', 'v1:migrate-lint', '--outputStyle=static', '--skip-nx-cache']);
      expect(output).toMatch(/migrate-lint v1: \d+ migrations? analysed/);
      expect(code).toBe(0);
    } finally {
      workspace.write('package-lock.json', saved);
    }
  });

  it('passes v1 on the embedded database, then answers from the cache', () => {
    const first = workspace.nx(['run', 'v1:migrate-test', '--outputStyle=static'], { TEST_DATABASE_URL: undefined });
    expect(first.output).toContain('throwaway database on embedded PGlite');
    expect(first.output).toContain('PASS v1');
    expect(first.code).toBe(0);
    const second = workspace.nx(['run', 'v1:migrate-test', '--outputStyle=static'], { TEST_DATABASE_URL: undefined });
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/local cache|existing outputs match the cache/);
  });

  it("follows a venture's prisma.config.ts to its schema and migrations", () => {
    const target = JSON.parse(workspace.nx(['show', 'project', 'v3', '--json']).output).targets['migrate-test'];
    expect(target.inputs.slice(0, 3)).toEqual([
      '{projectRoot}/db/schema.prisma',
      '{projectRoot}/db/migrations/**/*',
      '{projectRoot}/prisma.config.ts',
    ]);
    const { code, output } = workspace.nx(['run', 'v3:migrate-test', '--outputStyle=static'], { TEST_DATABASE_URL: undefined });
    expect(output).toContain('PASS v3');
    expect(code).toBe(0);
  });

  it('passes v1 on PostgreSQL without printing the connection string', () => {
    const { code, output } = workspace.nx(['run', 'v1:migrate-test', '--outputStyle=static', '--skip-nx-cache'], {
      TEST_DATABASE_URL: serverUrl,
    });
    expect(output).toMatch(/throwaway database on PostgreSQL 127\.0\.0\.1:\d+\/forge_v1_[0-9a-f]{12}/);
    expect(output).toContain('PASS v1');
    expect(code).toBe(0);
    expect(output).not.toContain(new URL(serverUrl!).password);
  });

  it('fails a broken migration on both databases, naming its statement', () => {
    workspace.write(
      'ventures/v1/prisma/migrations/20240501000000_broken/migration.sql',
      '-- AlterTable\nALTER TABLE "Invoice" ADD COLUMN "paidAt" TIMESTAMPP(3);\n',
    );
    try {
      for (const url of [undefined, serverUrl]) {
        const { code, output } = workspace.nx(['run', 'v1:migrate-test', '--outputStyle=static'], { TEST_DATABASE_URL: url });
        expect(code).not.toBe(0);
        expect(output).toContain('✗ 20240501000000_broken: ERROR: type "timestampp" does not exist');
        expect(output).toContain('failing statement 1, line 2: ALTER TABLE "Invoice" ADD COLUMN "paidAt" TIMESTAMPP(3)');
      }
    } finally {
      workspace.remove('ventures/v1/prisma/migrations/20240501000000_broken');
    }
  });

  it("runs only v2 after a commit that touches only v2's migrations", () => {
    workspace.write(
      'ventures/v2/prisma/migrations/20240501000000_customer_phone/migration.sql',
      '-- AlterTable\nALTER TABLE "Customer" ADD COLUMN "phone" TEXT;\n',
    );
    workspace.write(
      'ventures/v2/prisma/migrations/20240501000000_customer_phone/down.sql',
      'ALTER TABLE "Customer" DROP COLUMN "phone";\n',
    );
    workspace.git('add', '-A');
    workspace.git('commit', '-qm', 'v2: customer phone');

    const affected = workspace.nx(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']);
    expect(JSON.parse(affected.output)).toEqual(['v2']);

    const { code, output } = workspace.nx(
      ['affected', '-t', 'migrate-test', '--base=HEAD~1', '--head=HEAD', '--outputStyle=static', '--allowDrift'],
      {
        TEST_DATABASE_URL: serverUrl,
      },
    );
    expect(code).toBe(0);
    expect(output).toContain('nx run v2:migrate-test');
    expect(output).not.toContain('nx run v1:migrate-test');
    expect(output).toContain('! drift (allowed)');
  });

  it('generates an add_column and a rename with the generator, and migrate-test proves both downs', () => {
    const generate = (...args: string[]) => workspace.nx(['g', '@forge/migrations:migration', '--project=v1', ...args]);
    const added = generate(
      '--changeType=add_column',
      '--targetTable=Customer',
      `--changes=${JSON.stringify({ columns: [{ name: 'vip', type: 'Boolean', default: false }] })}`,
    );
    expect(added.output).toMatch(/_add_column_customer_vip: Add column Customer\.vip \(Boolean\)/);
    expect(added.code).toBe(0);
    workspace.write(
      'rename.json',
      JSON.stringify({ changeType: 'rename', targetTable: 'Customer', changes: { column: 'name', to: 'fullName' } }),
    );
    const renamed = generate('--descriptor=rename.json');
    expect(renamed.code).toBe(0);
    expect(workspace.read('ventures/v1/prisma/schema.prisma')).toMatch(/fullName +String/);

    const { code, output } = workspace.nx(['run', 'v1:migrate-test', '--outputStyle=static', '--skip-nx-cache'], {
      TEST_DATABASE_URL: serverUrl,
    });
    expect(output).toMatch(/✓ \d{14}_add_column_customer_vip +\(.*down verified/);
    expect(output).toMatch(/✓ \d{14}_rename_customer_name_to_full_name +\(.*down verified/);
    expect(output).toContain('no drift');
    expect(code).toBe(0);
  });

  it('refuses a bad descriptor with the field named, and leaves the workspace untouched, with or without --dry-run', () => {
    const before = workspace.git('status', '--porcelain');
    for (const dryRun of [[], ['--dry-run']]) {
      const { code, output } = workspace.nx([
        'g',
        '@forge/migrations:migration',
        '--project=v1',
        '--changeType=add_column',
        '--targetTable=Customer',
        '--changes={"columns":[{"name":"x;y","type":"Int"}]}',
        ...dryRun,
      ]);
      expect(code).not.toBe(0);
      expect(output).toContain('changes.columns[0].name: "x;y" contains a quote, backslash or semicolon');
      expect(workspace.git('status', '--porcelain')).toBe(before);
    }
  });

  it('shows with --dry-run what it would write, and writes nothing', () => {
    const before = workspace.git('status', '--porcelain');
    const { code, output } = workspace.nx([
      'g',
      '@forge/migrations:migration',
      '--project=v1',
      '--changeType=add_index',
      '--targetTable=Invoice',
      '--changes={"columns":["status"],"concurrently":true}',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(output).toMatch(/CREATE ventures\/v1\/prisma\/migrations\/\d{14}_add_index_invoice_status\/migration\.sql/);
    expect(output).toContain('UPDATE ventures/v1/prisma/schema.prisma');
    expect(output).toMatch(/NOTE: The "dryRun" flag means no changes were made/);
    expect(workspace.git('status', '--porcelain')).toBe(before);
  });

  it('lints the migrations main does not have as SARIF, blocking a drop until it is approved', () => {
    const folder = 'ventures/v2/prisma/migrations/20990101000000_drop_preferences';
    workspace.write(`${folder}/migration.sql`, 'ALTER TABLE "Customer" DROP COLUMN "preferences";\n');
    const lint = () =>
      workspace.nx([
        'run',
        'v2:migrate-lint',
        '--onlyNew',
        '--format=sarif',
        '--outputFile=reports/{projectRoot}/lint.sarif',
        '--outputStyle=static',
        '--skip-nx-cache',
      ]);
    const blocked = lint();
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('migrate-lint v2: 1 migration analysed (not on main), 2 findings: 1 blocking');
    expect(blocked.output).toContain('see node_modules/@forge/migrations/docs/rules/DS102.md');
    const sarif = JSON.parse(workspace.read('reports/ventures/v2/lint.sarif'));
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: 'DS102',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: `${folder}/migration.sql` } } }],
    });

    const approve = workspace.nx(['g', '@forge/migrations:approve', '--project=v2', '--migration=20990101000000_drop_preferences']);
    expect(approve.code).toBe(0);
    expect(JSON.parse(workspace.read(`${folder}/approval.json`))).toMatchObject({ approvedBy: 'e2e <e2e@example.com>', codes: ['DS102'] });
    expect(lint().code).toBe(0);
    workspace.remove(folder);
  });

  it('writes down scripts for a history without them, and migrate-test verifies every one', () => {
    const migrations = 'ventures/v3/db/migrations';
    for (const name of workspace
      .git('ls-files', migrations)
      .split('\n')
      .filter((file) => file.endsWith('/down.sql')))
      workspace.remove(name);
    const generated = workspace.nx(['g', '@forge/migrations:down-scripts', '--project=v3']);
    expect(generated.output).toContain('v3: 5 down scripts written, 0 marked irreversible');
    expect(generated.code).toBe(0);
    expect(workspace.read(`${migrations}/20240415090000_invoice_audit_trigger/down.sql`)).toMatch(/DROP TRIGGER IF EXISTS/);
    const { code, output } = workspace.nx(['run', 'v3:migrate-test', '--outputStyle=static', '--skip-nx-cache'], {
      TEST_DATABASE_URL: undefined,
    });
    expect(output.match(/down verified/g)).toHaveLength(5);
    expect(code).toBe(0);
  });

  it('deploys v3 to its embedded database through Nx (migrate-test first), shows its status, rolls back only when told yes, and exports the dashboard', () => {
    const offline = { DATABASE_URL: undefined, TEST_DATABASE_URL: undefined };
    const deploy = workspace.nx(['run', 'v3:migrate-deploy', '--outputStyle=static'], offline);
    expect(deploy.code).toBe(0);
    expect(deploy.output).toMatch(/nx run v3:migrate-test[^]*nx run v3:migrate-deploy[^]*migrate-deploy v3: deployed/);
    const status = workspace.nx(['run', 'v3:migrate-status', '--check', '--outputStyle=static'], offline);
    expect(status.code).toBe(0);
    expect(status.output).toMatch(/5 applied, 0 pending, 0 failed, 0 rolled back[^]*drift: none/);
    expect(workspace.read('ventures/v3/DATABASE_VERSION.md')).toMatch(/^# v3: database schema version \d+\.\d+\.\d+/);

    const unasked = workspace.nx(['run', 'v3:migrate-rollback', '--outputStyle=static'], offline);
    expect(unasked.code).not.toBe(0);
    expect(unasked.output).toMatch(/Rollback of [^]*there is no terminal to ask: nothing was rolled back/);
    expect(workspace.nx(['run', 'v3:migrate-rollback', '--yes', '--outputStyle=static'], offline).code).toBe(0);
    const after = workspace.nx(['run', 'v3:migrate-status', '--check', '--outputStyle=static'], offline);
    expect(after.code).not.toBe(0);
    expect(after.output).toMatch(/4 applied, 0 pending, 0 failed, 1 rolled back/);
    // The embedded database and the backups stay out of git.
    expect(workspace.git('status', '--porcelain')).not.toMatch(/\.forge/);

    const report = workspace.nx(['run', 'v3:migrate-ui', '--static=reports/dashboard', '--outputStyle=static'], offline);
    expect(report.code).toBe(0);
    const page = workspace.read('reports/dashboard/index.html');
    expect(page).toMatch(/<tr data-venture="v3">/);
    expect(page).toMatch(/<tr data-migration="20240415090000_invoice_audit_trigger">[^]*?data-state="rolled back"/);
    expect(page).not.toMatch(/<script src=/);
  });

  it(
    'writes the CI workflow, whose commands pass here: lint and test what a commit touched, deploy ' +
      'it to staging, then production (refused before staging)',
    async () => {
      // What the earlier tests left is committed first: the commit under test touches v3 alone.
      workspace.git('add', '-A');
      workspace.git('commit', '-q', '--allow-empty', '-m', 'earlier work');
      expect(workspace.nx(['g', '@forge/migrations:ci']).code).toBe(0);
      const workflow = parse(workspace.read('.github/workflows/migrations.yml'));
      const commandsOf = (job: string): string[][] =>
        workflow.jobs[job].steps
          .map((step: { run?: string }) => step.run)
          .filter((run?: string) => run?.startsWith('npx nx '))
          .map((run: string) => run.split(' ').slice(2));
      const commandOf = (job: string) => commandsOf(job)[0];
      const added = workspace.nx([
        'g',
        '@forge/migrations:migration',
        '--project=v3',
        '--changeType=add_column',
        '--targetTable=Invoice',
        `--changes=${JSON.stringify({ columns: [{ name: 'note', type: 'String', optional: true }] })}`,
      ]);
      expect(added.code).toBe(0);
      workspace.git('add', '-A');
      workspace.git('commit', '-qm', 'v3: invoice note, and the CI workflow');
      const shas = { NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD', TEST_DATABASE_URL: serverUrl };

      const [lint, test] = commandsOf('verify').map((command) => workspace.nx(command, shas));
      expect(lint.code).toBe(0);
      // Only what the commit adds is judged: the history's older findings were judged when they came.
      expect(lint.output).toMatch(/migrate-lint v3: 1 migration analysed \(not on HEAD~1\)/);
      expect(lint.output).toMatch(/Successfully ran target migrate-lint for project v3/);
      expect(test.code).toBe(0);
      expect(test.output).toMatch(/Successfully ran target migrate-test for project v3/);

      const admin = new pg.Client(serverUrl);
      await admin.connect();
      const names = ['forge_e2e_staging', 'forge_e2e_production'];
      try {
        for (const name of names) {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.query(`CREATE DATABASE ${name}`);
        }
        const urlOf = (name: string) => Object.assign(new URL(serverUrl!), { pathname: `/${name}` }).toString();
        const env = { ...shas, STAGING_DATABASE_URL: urlOf(names[0]), PRODUCTION_DATABASE_URL: urlOf(names[1]), DATABASE_URL: undefined };

        const early = workspace.nx(commandOf('deploy-production'), env);
        expect(early.code).not.toBe(0);
        expect(early.output).toMatch(/add_column_invoice_note have not been deployed to staging[^]*nothing was applied/);
        const staging = workspace.nx(commandOf('deploy-staging'), env);
        expect(staging.code).toBe(0);
        expect(staging.output).toMatch(/migrate-deploy v3: deployed/);
        const production = workspace.nx(commandOf('deploy-production'), env);
        expect(production.code).toBe(0);
        expect(production.output).toMatch(/migrate-deploy v3: deployed/);
        expect(production.output).not.toContain(new URL(serverUrl!).password);
      } finally {
        for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );

  it('deploys a venture after the ventures it depends on', () => {
    const file = 'ventures/v3/project.json';
    workspace.write(file, JSON.stringify({ ...JSON.parse(workspace.read(file)), implicitDependencies: ['v1'] }));
    const { code, output } = workspace.nx(['run', 'v3:migrate-deploy', '--outputStyle=static'], {
      DATABASE_URL: undefined,
      TEST_DATABASE_URL: undefined,
    });
    expect(code).toBe(0);
    const [v1, v3] = [output.indexOf('migrate-deploy v1: deployed'), output.indexOf('migrate-deploy v3: deployed')];
    expect(v1).toBeGreaterThan(-1);
    expect(v3).toBeGreaterThan(v1);
  });

  it('deploys ventures that share one PostgreSQL database each into its own schema, in dependency order, from one URL', async () => {
    const nxJson = JSON.parse(workspace.read('nx.json'));
    nxJson.plugins = nxJson.plugins.map((entry: string | { plugin: string; options?: object }) =>
      (typeof entry === 'string' ? entry : entry.plugin) === '@forge/migrations'
        ? { plugin: '@forge/migrations', options: { ...(typeof entry === 'string' ? {} : entry.options), ventureSchema: '{projectName}' } }
        : entry,
    );
    workspace.write('nx.json', JSON.stringify(nxJson, null, 2));
    const admin = new pg.Client(serverUrl);
    await admin.connect();
    const name = 'forge_e2e_shared';
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      const shared = Object.assign(new URL(serverUrl!), { pathname: `/${name}` }).toString();
      const env = { STAGING_DATABASE_URL: shared, DATABASE_URL: undefined, TEST_DATABASE_URL: undefined };

      const deploy = workspace.nx(['run', 'v3:migrate-deploy:staging', '--outputStyle=static'], env);
      expect(deploy.code).toBe(0);
      const [v1, v3] = [deploy.output.indexOf('migrate-deploy v1: deployed'), deploy.output.indexOf('migrate-deploy v3: deployed')];
      expect(v1).toBeGreaterThan(-1);
      expect(v3).toBeGreaterThan(v1);
      expect(deploy.output).not.toContain(new URL(serverUrl!).password);

      const database = new pg.Client(shared);
      await database.connect();
      try {
        const schemas = await database.query(
          "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = '_prisma_migrations' ORDER BY 1",
        );
        expect(schemas.rows).toEqual([{ schema: 'v1' }, { schema: 'v3' }]);
        for (const venture of ['v1', 'v3']) {
          const status = workspace.nx(['run', `${venture}:migrate-status:staging`, '--check', '--outputStyle=static'], env);
          expect(status.code).toBe(0);
          const applied = Number(/(\d+) applied, 0 pending, 0 failed, 0 rolled back[^]*drift: none/.exec(status.output)?.[1]);
          expect(applied).toBeGreaterThanOrEqual(5);
          const [row] = (
            await database.query(`SELECT count(*)::int AS n FROM "${venture}"._prisma_migrations WHERE finished_at IS NOT NULL`)
          ).rows;
          expect(row.n).toBe(applied);
        }
      } finally {
        await database.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
