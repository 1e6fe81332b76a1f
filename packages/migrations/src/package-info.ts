import { existsSync, readFileSync } from 'node:fs';
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
