import { listHref, type MigrationList, RISKS, STATES, summarize } from '../migration-list';
import type { StatusReport } from '../../core/deploy/status-report';
import type { EventView, MigrationView, VentureView } from '../venture-view';
import { riskBadge, stateBadge } from './badges';
import { migrationHref, type RenderMode, slug, ventureHref } from './links';
import { rollbackButton } from './rollback-controls';
import { html, highlightSql, type Safe } from './template';

/**
 * One venture: a summary of its migrations, the migrations (filtered by state, risk and name, a
 * page at a time when served), the deploy history as a timeline, the last deploy report, failures.
 */
const COLUMNS = ['migration', 'state', 'version', 'when', 'took', 'risk', 'down'];

export function venturePage(view: VentureView, mode: RenderMode, list: MigrationList): Safe {
  return html`<section id="v-${slug(view.project)}" class="venture" data-venture="${view.project}">
  <h1>${view.project}</h1>
  <p class="meta">${view.where} · ${view.root}${view.status ? html` · schema version <strong>${view.status.schemaVersion.database}</strong>` : ''}${
    view.status?.deployRunning ? html` · <span class="badge warn">a deploy is running</span>` : ''
  }</p>
  ${view.error ? html`<p class="error" role="alert">The database could not be read: ${view.error}</p>` : ''}
  ${
    view.driftUrl
      ? html`<div class="drift" data-fill-url="${view.driftUrl}" data-fill-what="drift" aria-busy="true">${CHECKING}</div>`
      : driftDetails(view.status?.drift)
  }
  <h2>Migrations</h2>
  ${summary(view)}
  ${mode.kind === 'server' ? filters(view, list) : ''}
  <p class="muted list-range" data-matching="${list.matching}">${listRange(view, list)}</p>
  <div class="scroll"><table class="list migrations">
    <thead><tr>${COLUMNS.map((column) => html`<th scope="col">${column}</th>`)}${
      mode.kind === 'server' ? html`<th scope="col"><span class="sr-only">actions</span></th>` : ''
    }</tr></thead>
    <tbody>${list.rows.map((migration) => migrationRow(view, migration, mode))}</tbody>
  </table></div>
  ${mode.kind === 'server' ? pager(view, list) : ''}
  ${archives(view.status?.archives ?? [])}
  <h2>Deploy history</h2>
  ${timeline(view.events)}
  ${lastReport(view)}
  ${failures(view.events)}
</section>`;
}

/** How many migrations in each state, of each risk, with each kind of down. */
function summary(view: VentureView): Safe {
  const numbers = summarize(view.migrations);
  const item = (label: string, n: number, badge: Safe) => html`<li data-count="${label}">${badge} <strong>${n}</strong></li>`;
  return html`<ul class="summary" aria-label="summary">
    <li><strong>${numbers.total}</strong> migrations</li>
    ${numbers.byState.map(([state, n]) => item(state, n, stateBadge(state)))}
    ${numbers.byRisk.map(([risk, n]) => item(risk, n, riskBadge(risk)))}
    ${numbers.downs.map(([kind, n]) => item(`down ${kind}`, n, html`<span class="badge muted">down: ${kind}</span>`))}
  </ul>`;
}

/** A GET form: the list's filters live in the URL, so a filtered page can be shared and reloaded. */
function filters(view: VentureView, list: MigrationList): Safe {
  const option = (value: string, selected: string | undefined, label = value) =>
    html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="${ventureHref({ kind: 'server', token: '' }, view.project)}" role="search">
    <label>state <select name="state">${option('', list.query.state, 'any')}${STATES.map((state) => option(state, list.query.state))}</select></label>
    <label>risk <select name="risk">${option('', list.query.risk, 'any')}${RISKS.map((risk) => option(risk, list.query.risk))}</select></label>
    <label>name <input type="search" name="search" value="${list.query.search ?? ''}" placeholder="part of a name"></label>
    <button type="submit">Show</button>
  </form>`;
}

/** What deploys archived before dropping it, which a rollback of the migration brings back until it expires. */
function archives(kept: NonNullable<VentureView['status']>['archives']): Safe {
  if (kept.length === 0) return html``;
  const row = (archive: (typeof kept)[number]) =>
    html`<tr>${[archive.what, html`<code>${archive.migration}</code>`, archive.rows, archive.bytes, archive.expiresAt].map(
      (cell) => html`<td>${cell}</td>`,
    )}</tr>`;
  return html`<h2>Archives</h2>
  <p class="muted">What deploys dropped, kept so that a rollback of its migration brings it back.</p>
  <div class="scroll"><table class="list archives">
    <thead><tr>${['what', 'migration', 'rows', 'bytes', 'kept until'].map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
    <tbody>${kept.map(row)}</tbody>
  </table></div>`;
}

const CHECKING = html`<p class="muted" role="status">Checking for drift: the applied migrations are applied on a scratch database…</p>`;

/** The drift, when there is any: the SQL that would bring the migrations to the live database. */
export function driftDetails(drift: StatusReport['drift'] | undefined): Safe {
  if (!drift || drift.clean || !drift.checked) return html``;
  const summary = html`<summary>Drift: the live database differs from its migrations</summary>`;
  return html`<details class="error">${summary}<pre><code class="hljs">${highlightSql(drift.sql)}</code></pre></details>`;
}

/** Which migrations of the list the page shows. */
function listRange(view: VentureView, list: MigrationList): string {
  if (list.matching === 0) return 'No migration matches.';
  const filtered = list.matching < view.migrations.length ? ` matching (of ${view.migrations.length})` : '';
  return `${list.first + 1}–${list.first + list.rows.length} of ${list.matching}${filtered}, newest first`;
}

function pager(view: VentureView, list: MigrationList): Safe {
  if (list.pages <= 1) return html``;
  const base = ventureHref({ kind: 'server', token: '' }, view.project);
  const { page } = list.query;
  const newer = page > 1 ? html`<a rel="prev" href="${listHref(base, list.query, page - 1)}">← newer</a>` : '';
  const older = page < list.pages ? html`<a rel="next" href="${listHref(base, list.query, page + 1)}">older →</a>` : '';
  return html`<nav class="pager" aria-label="pages">${newer} <span>page ${page} of ${list.pages}</span> ${older}</nav>`;
}

function migrationRow(view: VentureView, migration: MigrationView, mode: RenderMode): Safe {
  return html`<tr data-migration="${migration.name}">
    <td><a href="${migrationHref(mode, view.project, migration.name)}">${migration.name}</a></td>
    <td>${stateBadge(migration.state)}</td>
    <td>${migration.version}</td>
    <td>${migration.at ?? ''}</td>
    <td>${migration.durationMs === undefined ? '' : `${migration.durationMs} ms`}</td>
    <td>${riskBadge(migration.risk)}</td>
    <td>${migration.downKind}</td>
    ${mode.kind === 'server' ? html`<td>${migration.state === 'applied' ? rollbackButton(view.project, migration.name) : ''}</td>` : ''}
  </tr>`;
}

/** Events of a run shown one by one; a long deploy's migration events beyond them are counted. */
const EVENTS_SHOWN = 12;

function timeline(events: readonly EventView[]): Safe {
  if (events.length === 0) return html`<p class="muted">No deploy or rollback has run on this database yet.</p>`;
  const runs = new Map<string, EventView[]>();
  for (const event of events) runs.set(event.runId, [...(runs.get(event.runId) ?? []), event]);
  return html`<ol class="timeline">${[...runs].slice(0, 20).map(([runId, runEvents]) => {
    const ordered = [...runEvents].reverse();
    // The first and the last steps of a run say most: the migrations in between are counted.
    const hidden = ordered.length > EVENTS_SHOWN ? ordered.slice(EVENTS_SHOWN / 2, ordered.length - EVENTS_SHOWN / 2) : [];
    const shown = hidden.length ? [...ordered.slice(0, EVENTS_SHOWN / 2), undefined, ...ordered.slice(-EVENTS_SHOWN / 2)] : ordered;
    return html`<li class="run" data-run="${runId}">
      <div class="run-head">${runEvents[runEvents.length - 1].at} · ${runEvents[0].environment} · run ${runId.slice(0, 8)}</div>
      <ol>${shown.map((event) =>
        event
          ? timelineEvent(event)
          : html`<li class="event muted" data-kind="more">… ${hidden.length} more steps (${appliedCount(hidden)} migrations applied)</li>`,
      )}</ol>
    </li>`;
  })}</ol>`;
}

function timelineEvent(event: EventView): Safe {
  const took = event.durationMs === undefined ? '' : html` <span class="muted">${event.durationMs} ms</span>`;
  const what = html`<time>${event.at.slice(11, 19)}</time> <strong>${event.kind.replace(/_/g, ' ')}</strong>`;
  return html`<li class="event ${event.error ? 'failed' : ''}" data-kind="${event.kind}">${what} ${migrationNames(event.migrations)}${took}</li>`;
}

function appliedCount(events: readonly EventView[]): number {
  return events.filter((event) => event.kind === 'migration_applied').length;
}

/** A list of migration names, shortened when long: `a, b … z (820 migrations)`. */
function migrationNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} … ${names[names.length - 1]} (${names.length} migrations)`;
}

function lastReport(view: VentureView): Safe {
  const report = view.lastReport;
  if (!report) return html``;
  const badge = html`<span class="badge ${report.ok ? 'ok' : 'bad'}">${report.status}</span>`;
  const applied = migrationNames(report.applied) || 'none';
  const log = html`log: <code>${report.logFile}</code>`;
  const rolledBack = report.rolledBack.length ? ` · rolled back: ${migrationNames(report.rolledBack)}` : '';
  return html`<h2>Last deploy report</h2>
  <p class="report">${badge} ${report.startedAt} · ${report.environment} · ${report.durationMs} ms · applied: ${applied}${rolledBack} · ${log}</p>
  ${report.error ? html`<pre class="error-log">${report.error}</pre>` : ''}
  ${view.lastLogTail ? logTail(view.lastLogTail) : ''}`;
}

function logTail(lines: readonly string[]): Safe {
  return html`<details class="log" open><summary>The end of its log</summary><pre class="error-log">${lines.join('\n')}</pre></details>`;
}

function failures(events: readonly EventView[]): Safe {
  const failed = events.filter((event) => event.error);
  if (failed.length === 0) return html``;
  return html`<h2>Failures</h2>
  <ul class="failures">${failed.slice(0, 20).map(failure)}</ul>`;
}

function failure(event: EventView): Safe {
  const what = html`<div>${event.at} · ${event.kind.replace(/_/g, ' ')} ${event.migrations.join(', ')}</div>`;
  return html`<li>${what}<pre class="error-log">${event.error}</pre></li>`;
}
