import { escapeHtml, highlightSql, html, Safe } from './template';

describe('html', () => {
  it('escapes every interpolated value, joins arrays, keeps Safe markup, drops empty values', () => {
    const name = `<img src=x onerror="alert('x')">`;
    expect(html`<td>${name}</td>`.text).toBe('<td>&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;</td>');
    expect(html`<ul>${['a&b', html`<li>${'<b>'}</li>`]}</ul>`.text).toBe('<ul>a&#38;b<li>&#60;b&#62;</li></ul>');
    expect(html`${undefined}${null}${false}${0}`.text).toBe('0');
    expect(html`${new Safe('<b>kept</b>')}`.text).toBe('<b>kept</b>');
  });

  it('highlights SQL without letting its text become markup', () => {
    const highlighted = highlightSql(`SELECT '<script>' FROM "User";`).text;
    expect(highlighted).toContain('<span class="hljs-keyword">SELECT</span>');
    expect(highlighted).not.toContain('<script>');
    expect(escapeHtml(`"'`)).toBe('&#34;&#39;');
  });
});
