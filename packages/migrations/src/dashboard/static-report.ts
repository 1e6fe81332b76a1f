import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redact } from '../core/redact';
import { loadSqlParser } from '../core/sql/parser';
import { page } from './html/page';
import { html } from './html/template';
import type { RenderMode } from './html/links';
import { migrationPage } from './html/migration-page';
import { overview } from './html/overview';
import { venturePage } from './html/venture-page';
import { wholeList } from './migration-list';
import { readVenture } from './read-venture';
import { schemaStates } from '../use-cases/schema-states';
import { migrationDiagrams } from './migration-diagrams';
import { openVentureTarget, type VentureConfig, ventureSecrets, ventureSource } from './ventures';

/**
 * The dashboard's views as one self-contained HTML file (`<dir>/index.html`): every venture,
 * every migration with its diagrams, the assets inline; links are anchors. For CI artifacts.
 */
export async function writeStaticReport(options: {
  workspaceRoot: string;
  ventures: VentureConfig[];
  cacheDir: string;
  dir: string;
  lockTimeoutMs: number;
}): Promise<string> {
  const parser = await loadSqlParser();
  const mode: RenderMode = { kind: 'static' };
  const sections = [];
  const views = [];
  for (const config of options.ventures) {
    const source = await ventureSource(options.workspaceRoot, config);
    const view = await readVenture(parser, source, () =>
      openVentureTarget(parser, config, source, options.cacheDir, { lock: false, lockTimeoutMs: options.lockTimeoutMs }),
    );
    const states = await schemaStates(parser, source.history, source.schema, source.layout.projectRoot, options.cacheDir);
    views.push(view);
    sections.push(
      venturePage(view, mode, wholeList(view.migrations)),
      ...view.migrations.map((migration, index) => migrationPage(view, migration, migrationDiagrams(states, index), mode)),
    );
  }
  const file = path.join(options.dir, 'index.html');
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(file, redact(page('Migrations report', html`${overview(views, mode)}${sections}`, mode), ventureSecrets(options.ventures)));
  return file;
}
