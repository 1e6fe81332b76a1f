import { html, type Safe } from './template';

/** The button on an applied migration's row and page; the dialog it opens (served pages only). */
export function rollbackButton(project: string, migration: string): Safe {
  return html`<button type="button" class="rollback" data-project="${project}" data-migration="${migration}">Roll back…</button>`;
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
