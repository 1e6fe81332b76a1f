import { addDependenciesToPackageJson, formatFiles, type GeneratorCallback, readNxJson, type Tree, updateNxJson } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InitGeneratorSchema } from './schema';

const PLUGIN = '@forge/migrations';
const VERSION: string = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;

/** What `nx add @forge/migrations` runs: register the plugin once, add the dependency, keep local databases out of git. Idempotent. */
export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback> {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  if (!plugins.some((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === PLUGIN)) {
    nxJson.plugins = [
      ...plugins,
      { plugin: PLUGIN, options: { testTargetName: 'migrate-test', reportsDirectory: 'reports/migrate-test' } },
    ];
    updateNxJson(tree, nxJson);
  }
  ignoreLocalDatabases(tree);
  const install = options.skipPackageJson
    ? () => undefined
    : addDependenciesToPackageJson(tree, {}, { [PLUGIN]: VERSION }, undefined, options.keepExistingVersions ?? true);
  if (!options.skipFormat) await formatFiles(tree);
  return install;
}

/** The embedded databases (`<venture>/.forge/pglite`) and the backups (`.forge/backups`) are local: never committed. */
function ignoreLocalDatabases(tree: Tree): void {
  const current = tree.read('.gitignore', 'utf-8') ?? '';
  if (current.split(/\r?\n/).some((line) => /^\/?\.forge\/?$/.test(line.trim()))) return;
  tree.write(
    '.gitignore',
    `${current}${current && !current.endsWith('\n') ? '\n' : ''}# @forge/migrations: embedded databases and backups\n.forge/\n`,
  );
}
