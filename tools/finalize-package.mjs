#!/usr/bin/env node
// Make dist/packages/migrations an installable package: its entry points and every
// generator/executor implementation must be compiled JavaScript (Node 20 cannot load .ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'packages', 'migrations');
const manifestPath = path.join(dist, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.main = './src/index.js';
manifest.types = './src/index.d.ts';
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');

const missing = [];
for (const [file, key] of [
  ['executors.json', 'executors'],
  ['generators.json', 'generators'],
]) {
  const entries = JSON.parse(readFileSync(path.join(dist, file), 'utf8'))[key] ?? {};
  for (const [name, entry] of Object.entries(entries)) {
    const implementation = path.join(dist, entry.implementation ?? entry.factory);
    if (!existsSync(`${implementation}.js`)) missing.push(`${key}.${name}: ${implementation}.js`);
    if (!existsSync(path.join(dist, entry.schema))) missing.push(`${key}.${name}: ${entry.schema}`);
  }
}
if (!existsSync(path.join(dist, manifest.main))) missing.push(manifest.main);
// Scripts the package runs by path as processes of their own (not reached from an entry point).
for (const script of ['src/adapters/db/pglite-snapshot-maker.js']) {
  if (!existsSync(path.join(dist, script))) missing.push(script);
}
if (missing.length) {
  console.error(`dist/packages/migrations is incomplete:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log(`dist/packages/migrations: ${manifest.name}@${manifest.version} ready to pack`);
