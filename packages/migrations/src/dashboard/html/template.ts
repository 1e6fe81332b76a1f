import hljs from 'highlight.js/lib/core';
import pgsql from 'highlight.js/lib/languages/pgsql';

hljs.registerLanguage('pgsql', pgsql);

/** Markup that is already safe: produced by `html`, or by the highlighter. */
export class Safe {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A template tag that escapes every interpolated value unless it is `Safe` (arrays are joined):
 * names of tables, migrations and errors come from files and databases, never trusted as markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  const part = (value: unknown): string => {
    if (value instanceof Safe) return value.text;
    if (Array.isArray(value)) return value.map(part).join('');
    if (value === undefined || value === null || value === false) return '';
    return escapeHtml(value);
  };
  return new Safe(strings.reduce((out, text, index) => out + text + (index < values.length ? part(values[index]) : ''), ''));
}

/** SQL highlighted by highlight.js (PostgreSQL's dialect), as safe markup. */
export function highlightSql(sql: string): Safe {
  return new Safe(hljs.highlight(sql, { language: 'pgsql', ignoreIllegals: true }).value);
}
