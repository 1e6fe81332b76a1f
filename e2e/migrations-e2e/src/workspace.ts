import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const NX_VERSION = '23.2.1';

export interface CommandResult {
  code: number;
  output: string;
}

/** A real Nx workspace in a temporary folder, with the packed plugin installed from its tarball. */
export class E2eWorkspace {
  private constructor(readonly root: string) {}

  static create(): E2eWorkspace {
    const root = mkdtempSync(path.join(os.tmpdir(), 'forge-e2e-'));
    const tarball = packPlugin(root);
    writeJson(path.join(root, 'package.json'), {
      name: 'e2e-workspace',
      private: true,
      devDependencies: {
        nx: NX_VERSION,
        '@nx/devkit': NX_VERSION,
        '@forge/migrations': `file:${tarball}`,
      },
    });
    writeJson(path.join(root, 'nx.json'), { neverConnectToCloud: true, defaultBase: 'main' });
    writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.nx\nreports\n');
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'pipe' });
    const workspace = new E2eWorkspace(root);
    // Registered as a team would: `nx add` runs the plugin's init generator.
    const init = workspace.nx(['g', '@forge/migrations:init', '--skipPackageJson']);
    if (init.code !== 0) throw new Error(`nx g @forge/migrations:init failed:\n${init.output}`);
    workspace.git('init', '-q', '-b', 'main');
    workspace.git('config', 'user.email', 'e2e@example.com');
    workspace.git('config', 'user.name', 'e2e');
    return workspace;
  }

  /**
   * A venture: the repo's billing example under another name; with `configured`, its schema and
   * migrations live in `db/` and a prisma.config.ts says so.
   */
  addVenture(name: string, options: { configured?: boolean } = {}): void {
    const dir = path.join(this.root, 'ventures', name);
    const prismaDir = path.join(dir, options.configured ? 'db' : 'prisma');
    cpSync(path.join(REPO_ROOT, 'examples', 'billing', 'prisma'), prismaDir, { recursive: true });
    if (options.configured) {
      writeFileSync(
        path.join(dir, 'prisma.config.ts'),
        "export default { schema: 'db/schema.prisma', migrations: { path: 'db/migrations' } };\n",
      );
    }
    writeJson(path.join(dir, 'project.json'), { name, projectType: 'application' });
  }

  write(file: string, content: string): void {
    mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
    writeFileSync(path.join(this.root, file), content);
  }

  read(file: string): string {
    return readFileSync(path.join(this.root, file), 'utf8');
  }

  remove(file: string): void {
    rmSync(path.join(this.root, file), { recursive: true, force: true });
  }

  nx(args: string[], env: Record<string, string | undefined> = {}): CommandResult {
    // Into a file, not a pipe: Nx exits as soon as its tasks end, and output still queued for a
    // full pipe (64 KiB, e.g. the logs of 50 cached tasks replayed) is lost; writes to a file are not.
    const outputFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-nx-output-')), 'output.txt');
    const fd = openSync(outputFile, 'w');
    try {
      const result = spawnSync(path.join(this.root, 'node_modules', '.bin', 'nx'), args, {
        cwd: this.root,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0', ...env },
      });
      return { code: result.status ?? 1, output: readFileSync(outputFile, 'utf8') };
    } finally {
      closeSync(fd);
      rmSync(path.dirname(outputFile), { recursive: true, force: true });
    }
  }

  /**
   * An npm package's node in the workspace's project graph, as Nx builds it from the lockfile: its
   * `data.hash` (the lockfile's integrity) is what an `externalDependencies` input hashes.
   */
  externalNode(packageName: string): { name: string; data: { version: string; packageName: string; hash?: string } } | undefined {
    const script =
      `require('@nx/devkit').createProjectGraphAsync({ exitOnError: true }).then((graph) => ` +
      `process.stdout.write('\\n' + JSON.stringify(graph.externalNodes[process.argv[1]] ?? null)))`;
    const output = execFileSync(process.execPath, ['-e', script, `npm:${packageName}`], {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
    });
    // The last line: anything Nx prints while it builds the graph comes before it.
    return JSON.parse(output.trimEnd().split('\n').pop()!) ?? undefined;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function packPlugin(into: string): string {
  const dist = path.join(REPO_ROOT, 'dist', 'packages', 'migrations');
  execFileSync('npm', ['pack', '--pack-destination', into, '--loglevel=error'], { cwd: dist, stdio: 'pipe' });
  const tarball = readdirSync(into).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball for ${dist}: run the build first`);
  return path.join(into, tarball);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
