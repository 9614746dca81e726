import { describe, expect, it } from 'vitest';
import { attr, HtmlTemplateError, markup, Markup, trusted } from './html.js';

const HOSTILE = `<img src=x onerror="alert('1')">&amp;`;
const ESCAPED = '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;';

describe('markup`…`', () => {
  it('escapes text placed in an element', () => {
    expect(String(markup`<p>${HOSTILE}</p>`)).toBe(`<p>${ESCAPED}</p>`);
  });

  it('escapes a value in a quoted attribute, so neither quote can close it', () => {
    expect(String(markup`<a title="${HOSTILE}" data-x='${"it's"}'>x</a>`)).toBe(
      `<a title="${ESCAPED}" data-x='it&#39;s'>x</a>`,
    );
    expect(String(markup`<a class="kpi ${'" onclick="x'}">`)).toBe('<a class="kpi &quot; onclick=&quot;x">');
  });

  it('places Markup as is, and a nested template is escaped once, not twice', () => {
    const inner = markup`<b>${'a & b'}</b>`;
    expect(String(markup`<p>${inner}</p>`)).toBe('<p><b>a &amp; b</b></p>');
    expect(String(markup`<p>${markup`<i>${inner}</i>`}</p>`)).toBe('<p><i><b>a &amp; b</b></i></p>');
    expect(String(markup`<style>${trusted('a > b { color: red }')}</style>`)).toBe(
      '<style>a > b { color: red }</style>',
    );
  });

  it('joins arrays without separators, escaping each string in them and keeping Markup', () => {
    const items = ['<x>', markup`<li>1</li>`, [markup`<li>2</li>`, '&']];
    expect(String(markup`<ul>${items}</ul>`)).toBe('<ul>&lt;x&gt;<li>1</li><li>2</li>&amp;</ul>');
  });

  it('renders null, undefined and false as nothing, and numbers with String', () => {
    const off = false as boolean;
    expect(String(markup`<p>${null}${undefined}${off && markup`<b>x</b>`}${0}|${-1.5}|${1e21}</p>`)).toBe(
      '<p>0|-1.5|1e+21</p>',
    );
  });

  it('refuses a string or number inside a tag outside quotes, where it could add attributes', () => {
    const unquoted = (): Markup => markup`<td class=${'a onclick=alert(1)'}>`;
    expect(unquoted).toThrow(HtmlTemplateError);
    expect(unquoted).toThrow(expect.objectContaining({ code: 'HTML_UNQUOTED_VALUE' }));
    expect(() => markup`<td ${'onclick=alert(1)'}>`).toThrow(HtmlTemplateError);
    expect(() => markup`<svg width=${3}>`).toThrow(HtmlTemplateError);
    // A value right after `<` would be the tag's name and its attributes.
    const asTag = (): Markup => markup`<${'img src=x onerror=alert(1)'}>`;
    expect(asTag).toThrow(expect.objectContaining({ code: 'HTML_UNQUOTED_VALUE' }));
    expect(String(markup`<${markup`b`}>x</b>`)).toBe('<b>x</b>');
    // After the tag closes, and in text that only looks like a tag, values are text again.
    expect(String(markup`<td class="a">${'x=1'} < ${2}</td>`)).toBe('<td class="a">x=1 < 2</td>');
  });

  it('refuses Markup in a quoted attribute, where its own quotes would close the attribute', () => {
    const inQuotes = (): Markup => markup`<td title="${markup`<i class="q">`}">`;
    expect(inQuotes).toThrow(expect.objectContaining({ code: 'HTML_MARKUP_IN_ATTRIBUTE' }));
    expect(() => markup`<td title='${trusted('x')}'>`).toThrow(HtmlTemplateError);
  });

  it('refuses any value in an event handler and script URLs in any attribute', () => {
    const unsafe = expect.objectContaining({ code: 'HTML_UNSAFE_ATTRIBUTE' });
    expect(() => markup`<td onclick="${'ok()'}">`).toThrow(unsafe);
    expect(() => markup`<a href="${'javascript:alert(1)'}">`).toThrow(unsafe);
    expect(() => markup`<a href='${' \x01JavaScript:alert(1)'}'>`).toThrow(unsafe);
    expect(() => markup`<img src="${'data:text/html,x'}">`).toThrow(unsafe);
    expect(() => attr('onmouseover', 'x')).toThrow(unsafe);
    expect(() => attr('href', 'vbscript:x')).toThrow(unsafe);
    // Ordinary values, and a scheme that only appears later in the text, are escaped as before.
    expect(String(markup`<a href="${'#table-bidders'}" title="${'see javascript: below'}">`)).toBe(
      '<a href="#table-bidders" title="see javascript: below">',
    );
  });

  it('escapes, not trusts, an object cast to Markup past the types', () => {
    const forged = { toString: () => '<script>' } as unknown as Markup;
    expect(String(markup`<p>${forged}</p>`)).toBe('<p>&lt;script&gt;</p>');
  });

  it('has no way to turn a string into Markup but trusted(…)', () => {
    // @ts-expect-error a string is not Markup
    const fromString: Markup = '<b>';
    // @ts-expect-error neither is an object that looks like one
    const lookalike: Markup = { toString: () => '<b>' };
    // @ts-expect-error the constructor is private
    const make = (): Markup => new Markup('<b>');
    void make;
    expect([fromString, lookalike].map((m) => m instanceof Markup)).toEqual([false, false]);
    expect(String(markup`${fromString}${lookalike}`)).toBe('&lt;b&gt;&lt;b&gt;');
    expect(trusted('<b>')).toBeInstanceOf(Markup);
  });
});

describe('attr()', () => {
  it('writes a named, escaped attribute, or nothing for an empty value', () => {
    expect(String(markup`<th${attr('class', 'num "x"')}>`)).toBe('<th class="num &quot;x&quot;">');
    expect(String(markup`<th${attr('class', '')}${attr('id', false)}${attr('title', null)}>`)).toBe('<th>');
    expect(String(markup`<rect${attr('width', 0)}>`)).toBe('<rect width="0">');
  });

  it('refuses a name that is not an attribute name', () => {
    expect(() => attr('onclick="x" a', 'b')).toThrow(HtmlTemplateError);
  });
});
