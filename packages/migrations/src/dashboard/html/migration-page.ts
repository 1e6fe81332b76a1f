import type { MigrationDiagrams, MigrationView, VentureView } from '../venture-view';
import { riskBadge, stateBadge } from './badges';
import { type RenderMode, slug, ventureHref } from './links';
import { rollbackButton } from './rollback-controls';
import { html, highlightSql, type Safe } from './template';

const DRAWING = html`<p class="muted" role="status">Drawing the diagrams: the history is applied up to this migration on a scratch database…</p>`;
const CHANGE_BADGE = { added: 'ok', removed: 'bad', changed: 'warn' } as const;

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
      migration.down !== undefined
        ? html`<pre><code class="hljs">${highlightSql(migration.down)}</code></pre>`
        : html`<p class="muted">No down.sql: a rollback restores a backup.</p>`
    }${migration.downReason ? html`<p class="warn-text">Irreversible: ${migration.downReason}</p>` : ''}</figure>
  </div>
  <h2>Schema</h2>
  ${
    'url' in diagrams
      ? html`<div class="schema" data-fill-url="${diagrams.url}" data-fill-what="diagrams" aria-busy="true">${DRAWING}</div>`
      : html`<div class="schema">${schemaSection(diagrams)}</div>`
  }
</section>`;
}

/** The before/after diagrams and the fields the migration added, removed or changed. */
export function schemaSection(diagrams: MigrationDiagrams): Safe {
  if (diagrams.error) return html`<p class="muted">The diagrams could not be drawn: ${diagrams.error}</p>`;
  return html`<div class="side-by-side diagrams">
    <figure><figcaption>before</figcaption><pre class="mermaid">${diagrams.before}</pre></figure>
    <figure><figcaption>after</figcaption><pre class="mermaid">${diagrams.after}</pre></figure>
  </div>
  ${
    diagrams.changes.length
      ? html`<ul class="schema-changes">${diagrams.changes.map(
          (change) =>
            html`<li class="${change.change}"><span class="badge ${CHANGE_BADGE[change.change]}">${change.change}</span> ${change.model}.${change.field}</li>`,
        )}</ul>`
      : html`<p class="muted">No field added, removed or changed.</p>`
  }`;
}
