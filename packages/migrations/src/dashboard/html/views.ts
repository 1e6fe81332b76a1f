import { listHref, type MigrationList, RISKS, STATES, summarize } from '../migration-list';
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
const RISK_CLASS: Record<string, string> = {
  'data loss': 'bad',
  breaking: 'warn',
  locking: 'warn',
  'data-dependent': 'warn',
  low: 'muted',
};

export function stateBadge(state: string): Safe {
  return html`<span class="badge ${STATE_CLASS[state] ?? 'muted'}" data-state="${state}">${state}</span>`;
}

function riskBadge(risk: string): Safe {
  return html`<span class="badge ${RISK_CLASS[risk] ?? 'muted'}" title="from the safety analysis"
    >${risk === 'low' ? 'low risk' : risk}</span
  >`;
}

function counts(view: VentureView): Safe {
  const of = (state: string) => view.migrations.filter((migration) => migration.state === state).length;
  return html`${of('applied')} applied · ${of('pending')} pending · ${of('failed')} failed · ${of('rolled back')} rolled back`;
}

/** Every venture of the workspace, one row each. */
export function overview(views: readonly VentureView[], mode: RenderMode): Safe {
  return html`<section aria-labelledby="ventures-title">
    <h1 id="ventures-title">Ventures</h1>
    <div class="scroll">
      <table class="list">
        <thead>
          <tr>
            <th scope="col">venture</th>
            <th scope="col">database</th>
            <th scope="col">schema version</th>
            <th scope="col">migrations</th>
          </tr>
        </thead>
        <tbody>
          ${views.map(
            (view) =>
              html`<tr data-venture="${view.project}">
                <td><a href="${ventureHref(mode, view.project)}">${view.project}</a></td>
                <td>
                  ${view.where}${view.error ? html` <span class="badge bad">unreadable</span>` : ''}${view.status?.drift.clean === false ? html` <span class="badge bad">drift</span>` : ''}
                </td>
                <td>${view.status?.schemaVersion.database ?? '?'}</td>
                <td>${counts(view)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

/**
 * One venture: a summary of its migrations, the migrations (filtered by state, risk and name, a
 * page at a time when served), the deploy history as a timeline, the last deploy report, failures.
 */
export function venturePage(view: VentureView, mode: RenderMode, list: MigrationList): Safe {
  return html`<section id="v-${slug(view.project)}" class="venture" data-venture="${view.project}">
    <h1>${view.project}</h1>
    <p class="meta">
      ${view.where} ·
      ${view.root}${view.status ? html` · schema version <strong>${view.status.schemaVersion.database}</strong>` : ''}${
        view.status?.deployRunning ? html` · <span class="badge warn">a deploy is running</span>` : ''
      }
    </p>
    ${view.error ? html`<p class="error" role="alert">The database could not be read: ${view.error}</p>` : ''}
    ${
      view.status && !view.status.drift.clean && view.status.drift.checked
        ? html`<details class="error">
            <summary>Drift: the live database differs from its migrations</summary>
            <pre><code class="hljs">${highlightSql(view.status.drift.sql)}</code></pre>
          </details>`
        : ''
    }
    <h2>Migrations</h2>
    ${summary(view)} ${mode.kind === 'server' ? filters(view, list) : ''}
    <p class="muted list-range" data-matching="${list.matching}">
      ${
        list.matching === 0
          ? 'No migration matches.'
          : `${list.first + 1}–${list.first + list.rows.length} of ${list.matching}` +
            `${list.matching < view.migrations.length ? ` matching (of ${view.migrations.length})` : ''}, ` +
            `newest first`
      }
    </p>
    <div class="scroll">
      <table class="list migrations">
        <thead>
          <tr>
            <th scope="col">migration</th>
            <th scope="col">state</th>
            <th scope="col">version</th>
            <th scope="col">when</th>
            <th scope="col">took</th>
            <th scope="col">risk</th>
            <th scope="col">down</th>
            ${mode.kind === 'server' ? html`<th scope="col"><span class="sr-only">actions</span></th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${list.rows.map((migration) => migrationRow(view, migration, mode))}
        </tbody>
      </table>
    </div>
    ${mode.kind === 'server' ? pager(view, list) : ''}
    <h2>Deploy history</h2>
    ${timeline(view.events)} ${lastReport(view)} ${failures(view.events)}
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
    html`<option value="${value}" ${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="${ventureHref({ kind: 'server', token: '' }, view.project)}" role="search">
    <label
      >state
      <select name="state">
        ${option('', list.query.state, 'any')}${STATES.map((state) => option(state, list.query.state))}
      </select></label
    >
    <label
      >risk
      <select name="risk">
        ${option('', list.query.risk, 'any')}${RISKS.map((risk) => option(risk, list.query.risk))}
      </select></label
    >
    <label>name <input type="search" name="search" value="${list.query.search ?? ''}" placeholder="part of a name" /></label>
    <button type="submit">Show</button>
  </form>`;
}

function pager(view: VentureView, list: MigrationList): Safe {
  if (list.pages <= 1) return html``;
  const base = ventureHref({ kind: 'server', token: '' }, view.project);
  const { page } = list.query;
  return html`<nav class="pager" aria-label="pages">
    ${page > 1 ? html`<a rel="prev" href="${listHref(base, list.query, page - 1)}">← newer</a>` : ''}
    <span>page ${page} of ${list.pages}</span> ${
      page < list.pages ? html`<a rel="next" href="${listHref(base, list.query, page + 1)}">older →</a>` : ''
    }
  </nav>`;
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

/** Events of a run shown one by one; a long deploy's migration events beyond them are counted. */
const EVENTS_SHOWN = 12;

function timeline(events: readonly EventView[]): Safe {
  if (events.length === 0) return html`<p class="muted">No deploy or rollback has run on this database yet.</p>`;
  const runs = new Map<string, EventView[]>();
  for (const event of events) runs.set(event.runId, [...(runs.get(event.runId) ?? []), event]);
  return html`<ol class="timeline">
    ${[...runs].slice(0, 20).map(([runId, runEvents]) => {
      const ordered = [...runEvents].reverse();
      // The first and the last steps of a run say most: the migrations in between are counted.
      const hidden = ordered.length > EVENTS_SHOWN ? ordered.slice(EVENTS_SHOWN / 2, ordered.length - EVENTS_SHOWN / 2) : [];
      const shown = hidden.length ? [...ordered.slice(0, EVENTS_SHOWN / 2), undefined, ...ordered.slice(-EVENTS_SHOWN / 2)] : ordered;
      return html`<li class="run" data-run="${runId}">
        <div class="run-head">${runEvents[runEvents.length - 1].at} · ${runEvents[0].environment} · run ${runId.slice(0, 8)}</div>
        <ol>
          ${shown.map((event) =>
            event
              ? html`<li class="event ${event.error ? 'failed' : ''}" data-kind="${event.kind}">
                  <time>${event.at.slice(11, 19)}</time>
                  <strong>${event.kind.replace(/_/g, ' ')}</strong> ${migrationNames(event.migrations)}${
                    event.durationMs === undefined ? '' : html` <span class="muted">${event.durationMs} ms</span>`
                  }
                </li>`
              : html`<li class="event muted" data-kind="more">
                  … ${hidden.length} more steps (${hidden.filter((step) => step.kind === 'migration_applied').length} migrations applied)
                </li>`,
          )}
        </ol>
      </li>`;
    })}
  </ol>`;
}

/** A list of migration names, shortened when long: `a, b … z (820 migrations)`. */
function migrationNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} … ${names[names.length - 1]} (${names.length} migrations)`;
}

function lastReport(view: VentureView): Safe {
  const report = view.lastReport;
  if (!report) return html``;
  return html`<h2>Last deploy report</h2>
    <p class="report">
      ${report.ok ? html`<span class="badge ok">${report.status}</span>` : html`<span class="badge bad">${report.status}</span>`}
      ${report.startedAt} · ${report.environment} · ${report.durationMs} ms · applied:
      ${migrationNames(report.applied) || 'none'}${report.rolledBack.length ? ` · rolled back: ${migrationNames(report.rolledBack)}` : ''} ·
      log: <code>${report.logFile}</code>
    </p>
    ${report.error ? html`<pre class="error-log">${report.error}</pre>` : ''}
    ${
      view.lastLogTail
        ? html`<details class="log" open>
            <summary>The end of its log</summary>
            <pre class="error-log">${view.lastLogTail.join('\n')}</pre>
          </details>`
        : ''
    }`;
}

function failures(events: readonly EventView[]): Safe {
  const failed = events.filter((event) => event.error);
  if (failed.length === 0) return html``;
  return html`<h2>Failures</h2>
    <ul class="failures">
      ${failed.slice(0, 20).map(
        (event) =>
          html`<li>
            <div>${event.at} · ${event.kind.replace(/_/g, ' ')} ${event.migrations.join(', ')}</div>
            <pre class="error-log">${event.error}</pre>
          </li>`,
      )}
    </ul>`;
}

/**
 * One migration: what the analysis found, up and down side by side, the diagrams, the schema
 * difference. Served, the page shows at once and the diagrams (which need the history applied
 * up to the migration) are filled in when they are drawn.
 */
export function migrationPage(
  view: VentureView,
  migration: MigrationView,
  diagrams: MigrationDiagrams | { url: string },
  mode: RenderMode,
): Safe {
  return html`<section
    id="m-${slug(view.project)}-${slug(migration.name)}"
    class="migration"
    data-venture="${view.project}"
    data-migration="${migration.name}"
  >
    <p class="crumbs"><a href="${ventureHref(mode, view.project)}">${view.project}</a> /</p>
    <h1>${migration.name}</h1>
    <p class="meta">
      ${stateBadge(migration.state)} ${riskBadge(migration.risk)} version
      ${migration.version}${migration.at ? ` · ${migration.at}` : ''}${
        mode.kind === 'server' && migration.state === 'applied' ? html` ${rollbackButton(view.project, migration.name)}` : ''
      }
    </p>
    ${
      migration.findings.length
        ? html`<h2>Safety findings</h2>
            <ul class="findings">
              ${migration.findings.map((finding) => html`<li>${finding}</li>`)}
            </ul>`
        : ''
    }
    <h2>SQL</h2>
    <div class="side-by-side">
      <figure>
        <figcaption>migration.sql (up)</figcaption>
        <pre><code class="hljs">${highlightSql(migration.up)}</code></pre>
      </figure>
      <figure>
        <figcaption>down.sql${migration.downKind === 'script' ? '' : ` (${migration.downKind})`}</figcaption>
        ${
          migration.down !== undefined
            ? html`<pre><code class="hljs">${highlightSql(migration.down)}</code></pre>`
            : html`<p class="muted">No down.sql: a rollback restores a backup.</p>`
        }${migration.downReason ? html`<p class="warn-text">Irreversible: ${migration.downReason}</p>` : ''}
      </figure>
    </div>
    <h2>Schema</h2>
    ${
      'url' in diagrams
        ? html`<div class="schema" data-diagrams-url="${diagrams.url}" aria-busy="true">
            <p class="muted" role="status">Drawing the diagrams: the history is applied up to this migration on a scratch database…</p>
          </div>`
        : html`<div class="schema">${schemaSection(diagrams)}</div>`
    }
  </section>`;
}

/** The before/after diagrams and the fields the migration added, removed or changed. */
export function schemaSection(diagrams: MigrationDiagrams): Safe {
  if (diagrams.error) return html`<p class="muted">The diagrams could not be drawn: ${diagrams.error}</p>`;
  return html`<div class="side-by-side diagrams">
      <figure>
        <figcaption>before</figcaption>
        <pre class="mermaid">${diagrams.before}</pre>
      </figure>
      <figure>
        <figcaption>after</figcaption>
        <pre class="mermaid">${diagrams.after}</pre>
      </figure>
    </div>
    ${
      diagrams.changes.length
        ? html`<ul class="schema-changes">
            ${diagrams.changes.map(
              (change) =>
                html`<li class="${change.change}">
                  <span class="badge ${change.change === 'removed' ? 'bad' : change.change === 'added' ? 'ok' : 'warn'}"
                    >${change.change}</span
                  >
                  ${change.model}.${change.field}
                </li>`,
            )}
          </ul>`
        : html`<p class="muted">No field added, removed or changed.</p>`
    }`;
}

/** The rollback confirmation: the impact, then the migration's name typed to enable the button. */
export function rollbackDialog(): Safe {
  return html`<dialog id="rollback-dialog" aria-labelledby="rollback-title">
    <form method="dialog">
      <h2 id="rollback-title">Roll back <span class="target"></span></h2>
      <p class="impact-status" role="status">Reading the impact…</p>
      <pre class="impact"></pre>
      <label for="rollback-confirm">Type the migration's name to confirm</label>
      <input id="rollback-confirm" name="confirm" autocomplete="off" spellcheck="false" />
      <pre class="progress" aria-live="polite" hidden></pre>
      <div class="buttons">
        <button type="button" class="cancel">Cancel</button>
        <button type="button" class="confirm danger" disabled>Roll back</button>
      </div>
    </form>
  </dialog>`;
}
