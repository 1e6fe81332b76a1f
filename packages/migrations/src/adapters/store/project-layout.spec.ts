import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../core/errors';
import { temporaryDir, type TemporaryProject } from '../../test-support/fixtures';
import { resolvePrismaLayout } from './project-layout';

const SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n';

describe('resolvePrismaLayout', () => {
  let project: TemporaryProject;
  const write = (file: string, content = SCHEMA) => {
    mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
    writeFileSync(path.join(project.dir, file), content);
  };
  beforeEach(() => {
    project = temporaryDir('forge-layout-');
  });
  afterEach(() => project.remove());

  it('finds prisma/schema.prisma and the migrations beside it', async () => {
    write('prisma/schema.prisma');
    write('schema.prisma', "// a second schema, lower in Prisma's order\n");
    const layout = await resolvePrismaLayout(project.dir);
    expect(layout.schemaFiles).toEqual([{ path: path.join('prisma', 'schema.prisma'), content: SCHEMA }]);
    expect(layout.migrationsDir).toBe(path.join(project.dir, 'prisma', 'migrations'));
    expect(layout.source).toBe('default locations');
  });

  it('falls back to schema.prisma at the root', async () => {
    write('schema.prisma');
    expect((await resolvePrismaLayout(project.dir)).migrationsDir).toBe(path.join(project.dir, 'migrations'));
  });

  it('reads a folder of .prisma files, recursively and in order', async () => {
    write('prisma/schema/main.prisma');
    write('prisma/schema/models/user.prisma', 'model User {\n  id Int @id\n}\n');
    const layout = await resolvePrismaLayout(project.dir);
    expect(layout.schemaFiles.map((file) => file.path)).toEqual([
      path.join('prisma', 'schema', 'main.prisma'),
      path.join('prisma', 'schema', 'models', 'user.prisma'),
    ]);
    expect(layout.migrationsDir).toBe(path.join(project.dir, 'prisma', 'schema', 'migrations'));
  });

  it('uses the prisma.schema field of package.json', async () => {
    write('package.json', JSON.stringify({ name: 'x', prisma: { schema: 'database/app.prisma' } }));
    write('database/app.prisma');
    const layout = await resolvePrismaLayout(project.dir);
    expect(layout.schemaPath).toBe(path.join(project.dir, 'database', 'app.prisma'));
    expect(layout.migrationsDir).toBe(path.join(project.dir, 'database', 'migrations'));
    expect(layout.source).toBe('package.json#prisma.schema');
  });

  it("reads prisma.config.ts with Prisma's loader, even when the URL variable it reads is unset", async () => {
    write(
      'prisma.config.ts',
      'const env = (name: string) => { const value = process.env[name]; if (!value) throw new ' +
        'Error(`Cannot resolve environment variable: ${name}.`); return value; };\n' +
        "export default { schema: 'db/schema.prisma', migrations: { path: 'db/history' }, datasource: { url: env('FORGE_UNSET_URL') } };\n",
    );
    write('db/schema.prisma');
    // In a real Node process: Prisma's loader evaluates the config outside Jest's sandboxed process.env.
    const script = `require(${JSON.stringify(path.join(__dirname, 'project-layout.ts'))}).resolvePrismaLayout(process.argv[1])
      .then((layout) => console.log(JSON.stringify({ ...layout, leftover: process.env.FORGE_UNSET_URL ?? null })))`;
    const env = { ...process.env };
    delete env['FORGE_UNSET_URL'];
    const stdout = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script, project.dir], { env, encoding: 'utf8' });
    const layout = JSON.parse(stdout);
    expect(layout.schemaPath).toBe(path.join(project.dir, 'db', 'schema.prisma'));
    expect(layout.migrationsDir).toBe(path.join(project.dir, 'db', 'history'));
    expect(layout.leftover).toBeNull();
  });

  it('names a config that cannot be loaded', async () => {
    write('prisma.config.ts', "import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'x.prisma' });\n");
    await expect(resolvePrismaLayout(project.dir)).rejects.toMatchObject({
      code: 'PRISMA_CONFIG_INVALID',
      message: expect.stringMatching(/^Cannot load .*prisma\.config\.ts: Cannot find module 'prisma\/config'/),
      hint: expect.stringMatching(/Install the `prisma` package/),
    });
  });

  it('says where it looked when there is no schema', async () => {
    const error = await resolvePrismaLayout(project.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ code: 'SCHEMA_NOT_FOUND', message: expect.stringContaining('looked for prisma.config.ts') });
  });

  it('names a configured schema that does not exist', async () => {
    write('package.json', JSON.stringify({ prisma: { schema: 'missing.prisma' } }));
    await expect(resolvePrismaLayout(project.dir)).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: expect.stringMatching(/The Prisma schema "missing.prisma" named by package.json#prisma.schema does not exist/),
    });
  });
});
