import type { SqlParser } from '../core/sql/parser';
import type { DashboardOptions } from './server';
import { assets, page } from './html/page';
import type { RenderMode } from './html/links';
import { migrationPage, schemaSection } from './html/migration-page';
import { overview } from './html/overview';
import { driftDetails, venturePage } from './html/venture-page';
import { HttpError, htmlReply, jsonReply, readJson, type Route } from './http';
import { listMigrations, readListQuery } from './migration-list';
import { readVenture, type VentureSource } from './read-venture';
import type { RollbackJobs } from './rollback-jobs';
import { schemaStates } from '../use-cases/schema-states';
import { migrationDiagrams, statesAround } from './migration-diagrams';
import type { MigrationDiagrams } from './venture-view';
import { ventureDrift } from './venture-drift';
import { ventureRevision } from './venture-revision';
import { openVentureTarget, type VentureConfig, ventureSource } from './ventures';

/** The dashboard's pages and API: each route reads its request and calls one use case. */
export function dashboardRoutes(parser: SqlParser, options: DashboardOptions, mode: RenderMode, rollbacks: RollbackJobs): Route[] {
  const diagramCache = new Map<string, Promise<MigrationDiagrams>>();
  const venture = (project: string) => {
    const found = options.ventures.find((candidate) => candidate.project === project);
    if (!found) throw new HttpError(404, `There is no venture ${project} in this workspace.`);
    return found;
  };
  const read = async (config: VentureConfig, view: { checkDrift?: boolean } = {}) => {
    const source = await ventureSource(options.workspaceRoot, config);
    return {
      source,
      view: await readVenture(
        parser,
        source,
        () => openVentureTarget(parser, config, source, options.cacheDir, { lock: false, lockTimeoutMs: options.lockTimeoutMs }),
        view,
      ),
    };
  };
  /** One migration's diagrams, kept for as long as the migrations up to it are unchanged. */
  const diagramsOf = (source: VentureSource, index: number) => {
    const key = `${source.project}\0${source.history.migrations
      .slice(0, index + 1)
      .map((migration) => migration.checksum)
      .join()}`;
    if (!diagramCache.has(key)) {
      const states = schemaStates(parser, source.history, source.schema, source.layout.projectRoot, options.cacheDir, statesAround(index));
      const diagrams = states
        .then((read) => migrationDiagrams(read, index))
        .catch((error: unknown) => {
          // A failure (the scratch database would not start) is not kept: the next view tries again.
          diagramCache.delete(key);
          throw error;
        });
      diagramCache.set(key, diagrams);
    }
    return diagramCache.get(key)!;
  };
  const migrationIndex = (source: VentureSource, project: string, name: string) => {
    const index = source.history.migrations.findIndex((migration) => migration.name === name);
    if (index < 0) throw new HttpError(404, `${project} has no migration ${name}.`);
    return index;
  };

  return [
    [
      'GET',
      /^\/$/,
      async () =>
        htmlReply(
          page('Ventures', overview(await Promise.all(options.ventures.map(async (config) => (await read(config)).view)), mode), mode, {
            diagrams: false,
          }),
        ),
    ],
    [
      'GET',
      /^\/v\/([^/]+)$/,
      async ([project], _request, url) => {
        // The page shows at once; its drift, which needs the history applied, is filled in after.
        const { view } = await read(venture(project), { checkDrift: false });
        if (view.status) view.driftUrl = `/api/ventures/${encodeURIComponent(project)}/drift`;
        return htmlReply(
          page(view.project, venturePage(view, mode, listMigrations(view.migrations, readListQuery(url.searchParams))), mode, {
            diagrams: false,
          }),
        );
      },
    ],
    [
      'GET',
      /^\/v\/([^/]+)\/m\/([^/]+)$/,
      async ([project, name]) => {
        // A migration's page shows no drift: measuring it would apply the whole history once more.
        const { source, view } = await read(venture(project), { checkDrift: false });
        const index = migrationIndex(source, project, name);
        const diagrams = { url: `/api/ventures/${encodeURIComponent(project)}/diagrams?migration=${encodeURIComponent(name)}` };
        // Drawn ahead, while the page is read: the first view of a long history's migration needs the history applied.
        void diagramsOf(source, index).catch(() => undefined);
        return htmlReply(page(`${name} · ${project}`, migrationPage(view, view.migrations[index], diagrams, mode), mode));
      },
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/diagrams$/,
      async ([project], _request, url) => {
        const source = await ventureSource(options.workspaceRoot, venture(project));
        const index = migrationIndex(source, project, url.searchParams.get('migration') ?? '');
        return jsonReply(200, { html: schemaSection(await diagramsOf(source, index)).toString() });
      },
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/drift$/,
      async ([project]) => {
        const drift = await ventureDrift(parser, options.workspaceRoot, venture(project), options);
        return jsonReply(200, { html: driftDetails(drift).toString() });
      },
    ],
    [
      'GET',
      /^\/assets\/mermaid\.min\.js$/,
      async () => ({ status: 200, type: 'text/javascript; charset=utf-8', body: assets().mermaid, cache: true }),
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/revision$/,
      async ([project]) =>
        jsonReply(200, { revision: await ventureRevision(parser, options.workspaceRoot, venture(project), options.cacheDir) }),
    ],
    [
      'GET',
      /^\/api\/ventures\/([^/]+)\/impact$/,
      async ([project], _request, url) => jsonReply(200, await rollbacks.plan(venture(project), url.searchParams.get('migration') ?? '')),
    ],
    [
      'POST',
      /^\/api\/ventures\/([^/]+)\/rollback$/,
      async ([project], request) => {
        const config = venture(project);
        const body = await readJson(request);
        const migration = typeof body['migration'] === 'string' ? body['migration'] : '';
        if (body['confirm'] !== migration || !migration)
          throw new HttpError(400, "The rollback needs the migration's name typed as the confirmation: nothing was rolled back.");
        return jsonReply(202, { job: await rollbacks.start(config, migration) });
      },
    ],
    ['GET', /^\/api\/jobs\/([^/]+)$/, async ([id]) => jsonReply(200, rollbacks.job(id))],
  ];
}
