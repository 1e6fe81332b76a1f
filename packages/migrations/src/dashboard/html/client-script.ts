/**
 * The dashboard's only script, inlined in every page: fills in what a served page leaves for later
 * (a migration's diagrams, a venture's drift), draws the Mermaid diagrams, runs the rollback dialog (impact, typed
 * confirmation, progress) and reloads a page whose data changed. Plain DOM, no build step; the
 * static export uses only the diagram part.
 */
export const CLIENT_SCRIPT = String.raw`
(async () => {
  const token = document.querySelector('meta[name="forge-token"]')?.content;
  const draw = async (nodes) => {
    if (!window.mermaid) return;
    for (const node of nodes) {
      try {
        await window.mermaid.run({ nodes: [node] });
      } catch (error) {
        node.classList.add('diagram-error');
        node.setAttribute('data-error', String(error && error.message || error));
      }
    }
  };
  window.mermaid?.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
  await draw(document.querySelectorAll('pre.mermaid'));
  // A served page shows at once; what takes the server longer (a migration's diagrams, a
  // venture's drift) is filled in when it is read.
  for (const pending of document.querySelectorAll('[data-fill-url]')) {
    try {
      const response = await fetch(pending.dataset.fillUrl, { headers: { 'x-forge-token': token } });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error);
      pending.innerHTML = body.html;
    } catch (error) {
      const message = document.createElement('p');
      message.className = 'error';
      message.textContent = 'The ' + pending.dataset.fillWhat + ' could not be read: ' + (error && error.message || error);
      pending.replaceChildren(message);
    }
    pending.removeAttribute('aria-busy');
    await draw(pending.querySelectorAll('pre.mermaid'));
  }
  document.body.setAttribute('data-filled', 'all');
  if (!token) return;

  const dialog = document.getElementById('rollback-dialog');
  const field = dialog.querySelector('#rollback-confirm');
  const confirmButton = dialog.querySelector('.confirm');
  const status = dialog.querySelector('.impact-status');
  const impact = dialog.querySelector('.impact');
  const progress = dialog.querySelector('.progress');
  let target = null;
  let running = false;
  const api = (url, init = {}) => fetch(url, { ...init, headers: { 'content-type': 'application/json', 'x-forge-token': token, ...(init.headers || {}) } });

  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button.rollback');
    if (!button) return;
    target = { project: button.dataset.project, migration: button.dataset.migration };
    dialog.querySelector('.target').textContent = target.migration;
    dialog.removeAttribute('data-result');
    Object.assign(field, { value: '', disabled: true });
    confirmButton.disabled = true;
    impact.textContent = '';
    progress.hidden = true;
    progress.textContent = '';
    status.textContent = 'Reading the impact…';
    dialog.showModal();
    const response = await api('/api/ventures/' + encodeURIComponent(target.project) + '/impact?migration=' + encodeURIComponent(target.migration));
    const body = await response.json();
    if (!response.ok) {
      status.textContent = body.error;
      return;
    }
    impact.textContent = body.impact.join('\n');
    status.textContent = body.backups.length ? 'Latest backup: ' + body.backups[0] : 'No backup recorded yet: one is taken before the rollback.';
    field.disabled = false;
    field.focus();
  });
  field.addEventListener('input', () => (confirmButton.disabled = running || field.value !== target.migration));
  dialog.querySelector('.cancel').addEventListener('click', () => { if (!running) dialog.close(); });
  dialog.addEventListener('cancel', (event) => { if (running) event.preventDefault(); });
  // Chromium lets a second Escape close a dialog whatever its cancel handler says: while running, it opens again.
  dialog.addEventListener('close', () => { if (running) dialog.showModal(); });
  // Enter in the field submits the form, which (method="dialog") would close it: it confirms instead, once the name is right.
  dialog.querySelector('form').addEventListener('submit', (event) => { event.preventDefault(); if (!confirmButton.disabled) confirmButton.click(); });
  confirmButton.addEventListener('click', async () => {
    running = true;
    confirmButton.disabled = true;
    field.disabled = true;
    progress.hidden = false;
    progress.textContent = 'Starting…';
    const request = { method: 'POST', body: JSON.stringify({ migration: target.migration, confirm: field.value }) };
    const response = await api('/api/ventures/' + encodeURIComponent(target.project) + '/rollback', request);
    const body = await response.json();
    if (!response.ok) {
      running = false;
      progress.textContent = body.error;
      status.textContent = 'Nothing was rolled back.';
      return;
    }
    for (;;) {
      const job = await (await api('/api/jobs/' + body.job)).json();
      progress.textContent = job.lines.join('\n');
      if (job.done) {
        running = false;
        status.textContent = job.ok ? 'Rolled back.' : 'The rollback failed: ' + job.error;
        dialog.setAttribute('data-result', job.ok ? 'ok' : 'failed');
        if (job.ok) setTimeout(() => location.reload(), 1500);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  });

  const venture = document.querySelector('[data-venture]')?.getAttribute('data-venture');
  const onVenturePage = document.querySelector('section.venture, section.migration');
  const revisionUrl = venture && onVenturePage ? '/api/ventures/' + encodeURIComponent(venture) + '/revision' : null;
  if (!revisionUrl) return;
  let seen = null;
  setInterval(async () => {
    if (dialog.open) return;
    const { revision } = await (await api(revisionUrl)).json().catch(() => ({}));
    if (seen !== null && revision && revision !== seen) location.reload();
    seen = revision || seen;
  }, 3000);
})();
`;
