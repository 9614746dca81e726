// Escaping for every name a scenario supplies (scenario, group and leaf names, threshold metrics)
// where it leaves HTML text: Markdown tables and prose, and an inline <script> data block. HTML text
// and attributes are escaped by the markup`…` template (html.ts), and nowhere else.

/**
 * Text for Markdown prose or a table cell: characters that would start emphasis, code, a link or
 * end the cell are backslash-escaped (parentheses and `!` only matter next to an escaped `[`, `#`
 * and `+` only at a line start, which names never are), and newlines (which would end the row)
 * become spaces. Renderers pass raw HTML through, so a `<` that could open a tag or an autolink and
 * an `&` that could spell an entity are written as entities; a lone `<` (as in `< 120`) stays
 * readable in the raw file.
 */
export function escapeMd(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}

/**
 * JSON to embed in <script type="application/json">. `<` becomes \u003c so no value can close the
 * script element or open a comment; U+2028/2029 are escaped for older JS parsers. JSON.parse reads
 * every one of these escapes back to the original character.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
