import type { VentureView } from '../venture-view';
import { ventureHref, type RenderMode } from './links';
import { html, type Safe } from './template';

const UNREADABLE = html` <span class="badge bad">unreadable</span>`;
const DRIFT = html` <span class="badge bad">drift</span>`;

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
      <td>${view.where}${view.error ? UNREADABLE : ''}${view.status?.drift.clean === false ? DRIFT : ''}</td>
      <td>${view.status?.schemaVersion.database ?? '?'}</td>
      <td>${counts(view)}</td>
    </tr>`,
    )}</tbody>
  </table></div>
</section>`;
}
