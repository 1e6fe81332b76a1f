/** Served pages link to URLs and carry the session token; the static export links to anchors in one file. */
export type RenderMode = { kind: 'server'; token: string } | { kind: 'static' };

export const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');

export function ventureHref(mode: RenderMode, project: string): string {
  return mode.kind === 'server' ? `/v/${encodeURIComponent(project)}` : `#v-${slug(project)}`;
}

export function migrationHref(mode: RenderMode, project: string, name: string): string {
  return mode.kind === 'server' ? `/v/${encodeURIComponent(project)}/m/${encodeURIComponent(name)}` : `#m-${slug(project)}-${slug(name)}`;
}
