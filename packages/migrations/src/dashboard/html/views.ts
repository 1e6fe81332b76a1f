import type { EventView, MigrationDiagrams, MigrationView, VentureView } from '../venture-view';
import { html, highlightSql, type Safe } from './template';

/** Served pages link to URLs and carry the session token; the static export links to anchors in one file. */
export type RenderMode = { kind: 'server'; token: string } | { kind: 'static' };

const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');

export function ventureHref(mode: RenderMode, project: string): string {
  return mode.kind === 'server' ? `/v/${encodeURIComponent(project)}` : `#v-${slug(project)}`;
}

export function migrationHref(mode: RenderMode, project: string, name: string): string {
  return mode.kind === 'server' ? `/v/${encodeURIComponent(project)}/m/${encodeURIComponent(name)}` : `#m-${slug(project)}-${slug(name)}`;
}

const STATE_CLASS: Record<string, string> = { applied: 'ok', pending: 'pending', failed: 'bad', 'rolled back': 'warn', unknown: 'muted' };
const RISK_CLASS: Record<string, string> = { 'data loss': 'bad', breaking: 'warn', locking: 'warn', 'data-dependent': 'warn', low: 'muted' };

export function stateBadge(state: string): Safe {
  return html`<span class="badge ${STATE_CLASS[state] ?? 'muted'}" data-state="${state}">${state}</span>`;
}

function riskBadge(risk: string): Safe {
  return html`<span class="badge ${RISK_CLASS[risk] ?? 'muted'}" title="from the safety analysis">${risk === 'low' ? 'low risk' : risk}</span>`;
}

function counts(view: VentureView): Safe {
  const of = (state: string) => view.migrations.filter((migration) => migration.state === state).length;
  return html`${of('applied')} applied · ${of('pending')} pending · ${of('failed')} failed · ${of('rolled back')} rolled back`;
}

/** Every venture of the workspace, one row each. */
export function overview(views: readonly VentureView[], mode: RenderMode): Safe {
  return html`<section aria-labelledby="ventures-title">
  <h1 id="ventures-title">Ventures</h1>
  <div class="scroll"><table class="list">
    <thead><tr><th scope="col">venture</th><th scope="col">database</th><th scope="col">schema version</th><th scope="col">migrations</th></tr></thead>
    <tbody>${views.map(
      (view) => html`<tr data-venture="${view.project}">
      <td><a href="${ventureHref(mode, view.project)}">${view.project}</a></td>
      <td>${view.where}${view.error ? html` <span class="badge bad">unreadable</span>` : ''}${view.status?.drift.clean === false ? html` <span class="badge bad">drift</span>` : ''}</td>
      <td>${view.status?.schemaVersion.database ?? '?'}</td>
      <td>${counts(view)}</td>
    </tr>`,
    )}</tbody>
  </table></div>
</section>`;
}

/** One venture: its migrations, the deploy history as a timeline, the last deploy report, failures. */
export function venturePage(view: VentureView, mode: RenderMode): Safe {
  return html`<section id="v-${slug(view.project)}" class="venture" data-venture="${view.project}">
  <h1>${view.project}</h1>
  <p class="meta">${view.where} · ${view.root}${view.status ? html` · schema version <strong>${view.status.schemaVersion.database}</strong>` : ''}${
    view.status?.deployRunning ? html` · <span class="badge warn">a deploy is running</span>` : ''
  }</p>
  ${view.error ? html`<p class="error" role="alert">The database could not be read: ${view.error}</p>` : ''}
  ${view.status && !view.status.drift.clean && view.status.drift.checked ? html`<details class="error"><summary>Drift: the live database differs from its migrations</summary><pre><code class="hljs">${highlightSql(view.status.drift.sql)}</code></pre></details>` : ''}
  <h2>Migrations</h2>
  <div class="scroll"><table class="list migrations">
    <thead><tr><th scope="col">migration</th><th scope="col">state</th><th scope="col">version</th><th scope="col">when</th><th scope="col">took</th><th scope="col">risk</th><th scope="col">down</th>${
      mode.kind === 'server' ? html`<th scope="col"><span class="sr-only">actions</span></th>` : ''
    }</tr></thead>
    <tbody>${[...view.migrations].reverse().map((migration) => migrationRow(view, migration, mode))}</tbody>
  </table></div>
  <h2>Deploy history</h2>
  ${timeline(view.events)}
  ${lastReport(view)}
  ${failures(view.events)}
</section>`;
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

function rollbackButton(project: string, migration: string): Safe {
  return html`<button type="button" class="rollback" data-project="${project}" data-migration="${migration}">Roll back…</button>`;
}

function timeline(events: readonly EventView[]): Safe {
  if (events.length === 0) return html`<p class="muted">No deploy or rollback has run on this database yet.</p>`;
  const runs = new Map<string, EventView[]>();
  for (const event of events.slice(0, 200)) runs.set(event.runId, [...(runs.get(event.runId) ?? []), event]);
  return html`<ol class="timeline">${[...runs].map(
    ([runId, runEvents]) => html`<li class="run" data-run="${runId}">
      <div class="run-head">${runEvents[runEvents.length - 1].at} · ${runEvents[0].environment} · run ${runId.slice(0, 8)}</div>
      <ol>${[...runEvents].reverse().map(
        (event) => html`<li class="event ${event.error ? 'failed' : ''}" data-kind="${event.kind}"><time>${event.at.slice(11, 19)}</time> <strong>${event.kind.replace(/_/g, ' ')}</strong> ${event.migrations.join(', ')}${
          event.durationMs === undefined ? '' : html` <span class="muted">${event.durationMs} ms</span>`
        }</li>`,
      )}</ol>
    </li>`,
  )}</ol>`;
}

function lastReport(view: VentureView): Safe {
  const report = view.lastReport;
  if (!report) return html``;
  return html`<h2>Last deploy report</h2>
  <p class="report">${report.ok ? html`<span class="badge ok">${report.status}</span>` : html`<span class="badge bad">${report.status}</span>`} ${report.startedAt} · ${report.environment} · ${report.durationMs} ms · applied: ${
    report.applied.join(', ') || 'none'
  }${report.rolledBack.length ? ` · rolled back: ${report.rolledBack.join(', ')}` : ''} · log: <code>${report.logFile}</code></p>
  ${report.error ? html`<pre class="error-log">${report.error}</pre>` : ''}
  ${view.lastLogTail ? html`<details class="log" open><summary>The end of its log</summary><pre class="error-log">${view.lastLogTail.join('\n')}</pre></details>` : ''}`;
}

function failures(events: readonly EventView[]): Safe {
  const failed = events.filter((event) => event.error);
  if (failed.length === 0) return html``;
  return html`<h2>Failures</h2>
  <ul class="failures">${failed.slice(0, 20).map((event) => html`<li><div>${event.at} · ${event.kind.replace(/_/g, ' ')} ${event.migrations.join(', ')}</div><pre class="error-log">${event.error}</pre></li>`)}</ul>`;
}

/** One migration: what the analysis found, up and down side by side, the diagrams, the schema difference. */
export function migrationPage(view: VentureView, migration: MigrationView, diagrams: MigrationDiagrams, mode: RenderMode): Safe {
  return html`<section id="m-${slug(view.project)}-${slug(migration.name)}" class="migration" data-venture="${view.project}" data-migration="${migration.name}">
  <p class="crumbs"><a href="${ventureHref(mode, view.project)}">${view.project}</a> /</p>
  <h1>${migration.name}</h1>
  <p class="meta">${stateBadge(migration.state)} ${riskBadge(migration.risk)} version ${migration.version}${migration.at ? ` · ${migration.at}` : ''}${
    mode.kind === 'server' && migration.state === 'applied' ? html` ${rollbackButton(view.project, migration.name)}` : ''
  }</p>
  ${migration.findings.length ? html`<h2>Safety findings</h2><ul class="findings">${migration.findings.map((finding) => html`<li>${finding}</li>`)}</ul>` : ''}
  <h2>SQL</h2>
  <div class="side-by-side">
    <figure><figcaption>migration.sql (up)</figcaption><pre><code class="hljs">${highlightSql(migration.up)}</code></pre></figure>
    <figure><figcaption>down.sql${migration.downKind === 'script' ? '' : ` (${migration.downKind})`}</figcaption>${
      migration.down !== undefined ? html`<pre><code class="hljs">${highlightSql(migration.down)}</code></pre>` : html`<p class="muted">No down.sql: a rollback restores a backup.</p>`
    }${migration.downReason ? html`<p class="warn-text">Irreversible: ${migration.downReason}</p>` : ''}</figure>
  </div>
  <h2>Schema</h2>
  ${
    diagrams.error
      ? html`<p class="muted">The diagrams could not be drawn: ${diagrams.error}</p>`
      : html`<div class="side-by-side diagrams">
    <figure><figcaption>before</figcaption><pre class="mermaid">${diagrams.before}</pre></figure>
    <figure><figcaption>after</figcaption><pre class="mermaid">${diagrams.after}</pre></figure>
  </div>
  ${diagrams.changes.length ? html`<ul class="schema-changes">${diagrams.changes.map((change) => html`<li class="${change.change}"><span class="badge ${change.change === 'removed' ? 'bad' : change.change === 'added' ? 'ok' : 'warn'}">${change.change}</span> ${change.model}.${change.field}</li>`)}</ul>` : html`<p class="muted">No field added, removed or changed.</p>`}`
  }
</section>`;
}

/** The rollback confirmation: the impact, then the migration's name typed to enable the button. */
export function rollbackDialog(): Safe {
  return html`<dialog id="rollback-dialog" aria-labelledby="rollback-title">
  <form method="dialog">
    <h2 id="rollback-title">Roll back <span class="target"></span></h2>
    <p class="impact-status" role="status">Reading the impact…</p>
    <pre class="impact"></pre>
    <label for="rollback-confirm">Type the migration's name to confirm</label>
    <input id="rollback-confirm" name="confirm" autocomplete="off" spellcheck="false">
    <pre class="progress" aria-live="polite" hidden></pre>
    <div class="buttons">
      <button type="button" class="cancel">Cancel</button>
      <button type="button" class="confirm danger" disabled>Roll back</button>
    </div>
  </form>
</dialog>`;
}
