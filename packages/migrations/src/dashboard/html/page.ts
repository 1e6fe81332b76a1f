import { readFileSync } from 'node:fs';
import { CLIENT_SCRIPT } from './client-script';
import { html, Safe } from './template';
import type { RenderMode } from './links';
import { rollbackDialog } from './rollback-controls';

const STYLE =
  `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; font: 15px/1.45 system-ui, sans-serif; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem; color: #1f2328; }
header.top { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid var(--line); margin-bottom: 1rem; flex-wrap: wrap; }
header.top a { color: inherit; font-weight: 600; text-decoration: none; }
h1 { font-size: 1.5rem; margin: .5rem 0; word-break: break-all; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
table.list { border-collapse: collapse; width: 100%; } table.list th, table.list td { ` +
  `text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.scroll { overflow-x: auto; position: relative; }
table.migrations td:first-child { overflow-wrap: anywhere; min-width: 12rem; } table.migrations td:nth-child(4) { font-size: .85rem; }
ul.summary { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem 1.1rem; margin: .5rem 0; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .75rem 0 .25rem; }
form.filters select, form.filters input { font: inherit; padding: .2rem .35rem; }
nav.pager { display: flex; gap: 1.25rem; justify-content: center; align-items: baseline; margin: .75rem 0; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8rem; border: 1px solid currentColor; white-space: nowrap; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted, .meta { color: var(--muted); } .pending { color: #0969da; }
.error { color: var(--bad); } .warn-text { color: var(--warn); }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; border-radius: 6px; font-size: .85rem; }
pre.error-log { white-space: pre-wrap; color: var(--bad); }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .side-by-side figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
pre.mermaid { background: #fff; border: 1px solid var(--line); } .diagram-error { border-color: var(--bad) !important; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); } li.run { margin: 0 0 1rem .75rem; } .run-head { font-weight: 600; }
li.run ol { list-style: none; padding-left: .5rem; } li.event.failed { color: var(--bad); } time { color: var(--muted); font-variant-numeric: tabular-nums; }
ul.schema-changes li.added { background: #dafbe1; } ul.schema-changes li.removed { background: #ffebe9; } ul.schema-changes li.changed { background: #fff8c5; }
button { font: inherit; padding: .25rem .7rem; border-radius: 6px; border: 1px solid var(--line); background: #f6f8fa; cursor: pointer; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
button.danger:not(:disabled) { background: var(--bad); border-color: var(--bad); color: #fff; } button:disabled { cursor: not-allowed; opacity: .6; }
dialog { max-width: min(44rem, 95vw); border: 1px solid var(--line); border-radius: 8px; } dialog::backdrop { background: rgb(0 0 0 / .35); }
dialog input { width: 100%; box-sizing: border-box; font: inherit; padding: .35rem; margin: .25rem 0 .75rem; }
dialog .buttons { display: flex; gap: .5rem; justify-content: flex-end; } dialog pre { white-space: pre-wrap; word-break: break-word; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 720px) { .side-by-side { grid-template-columns: 1fr; } body { padding: ` +
  `.5rem; } table.migrations td:nth-child(4), table.migrations th:nth-child(4) { display: none; } }
`;

let inlined: { mermaid: string; highlight: string } | undefined;

/** The assets a page needs, read once from the installed packages: nothing is fetched from the network. */
export function assets(): { mermaid: string; highlight: string } {
  inlined ??= {
    mermaid: readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8'),
    highlight: readFileSync(require.resolve('highlight.js/styles/github.css'), 'utf8'),
  };
  return inlined;
}

/**
 * A whole page: served (the token in a meta tag, Mermaid from the server) or static (everything
 * inline). Mermaid (3 MB of script for the browser to read) only where there are `diagrams`.
 */
export function page(title: string, body: Safe, mode: RenderMode, { diagrams = true } = {}): string {
  const served = mode.kind === 'server';
  const home = html`<a href="${served ? '/' : '#ventures-title'}">@forge/migrations</a>`;
  const mermaid = !diagrams
    ? ''
    : served
      ? html`<script src="/assets/mermaid.min.js"></script>`
      : html`<script>${elementText(assets().mermaid)}</script>`;
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${served ? html`<meta name="forge-token" content="${mode.token}">` : ''}
<title>${title}</title>
<style>${elementText(STYLE + assets().highlight)}</style>
</head>
<body>
<header class="top">${home}<span class="muted">${served ? 'local dashboard' : 'static report'}</span></header>
<main>${body}</main>
${served ? rollbackDialog() : ''}
${mermaid}
<script>${elementText(CLIENT_SCRIPT)}</script>
</body>
</html>`}\n`;
}

/** Script and style text, safe inside its element once a closing tag in it is broken up. */
function elementText(text: string): Safe {
  return new Safe(text.replace(/<\/(script|style)/gi, '<\\/$1'));
}
