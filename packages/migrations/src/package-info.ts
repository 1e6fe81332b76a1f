import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const PLUGIN_PACKAGE = '@forge/migrations';

/** The package's folder: one level above `src/`, in the sources and in the build. */
const PACKAGE_ROOT = path.join(__dirname, '..');

export const PLUGIN_VERSION: string = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

/** The version of Prisma's schema engine the plugin drives. */
export const ENGINE_VERSION: string = JSON.parse(
  readFileSync(path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'package.json'), 'utf8'),
).version;

/** The rules' doc pages: shipped in the package, at the repository's root in the sources. */
export const RULE_DOCS_DIR =
  [path.join(PACKAGE_ROOT, 'docs', 'rules'), path.join(PACKAGE_ROOT, '..', '..', 'docs', 'rules')].find((dir) => existsSync(dir)) ??
  path.join(PACKAGE_ROOT, 'docs', 'rules');

let build: string | undefined;

/**
 * The plugin's version and a digest of its files' names, sizes and times: what proved a prefix
 * (see prefixKeys), so that a proof kept by other code, a rebuilt or edited plugin, is not reused.
 */
export function pluginBuild(): string {
  if (build === undefined) {
    const hash = createHash('sha256');
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.[cm]?[jt]s$/.test(entry.name)) {
          const { size, mtimeMs } = statSync(file);
          hash.update(`${path.relative(PACKAGE_ROOT, file)} ${size} ${mtimeMs}\n`);
        }
      }
    };
    walk(path.join(PACKAGE_ROOT, 'src'));
    build = `${PLUGIN_VERSION} ${hash.digest('hex')}`;
  }
  return build;
}
