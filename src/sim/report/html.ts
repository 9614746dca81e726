// HTML built safely by construction: markup`…` escapes every interpolated value unless it is Markup,
// and Markup can only be made here, by markup`…` itself or by an explicit trusted(…). A plain string
// is never markup, so no page can forget to escape a name. This file holds the only HTML escaping
// of the project (Markdown has its own in escape.ts). The tag is not named `html` because prettier
// formats templates so tagged as HTML documents, which rewrites them (it adds closing tags, copies
// `${…}` into them and re-indents the page).

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or quoted-attribute content: nothing in it can open a tag, an entity or leave the quotes. */
const escapeText = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITY[c]!);

let makeMarkup: (html: string) => Markup;

/**
 * A piece of HTML that is safe to place as is. The private field makes the type nominal (no object
 * literal or string passes for it) and the private constructor leaves markup`…` and trusted(…) as the
 * only ways to make one.
 */
export class Markup {
  readonly #html: string;
  private constructor(html: string) {
    this.#html = html;
  }
  static {
    makeMarkup = (html) => new Markup(html);
  }
  toString(): string {
    return this.#html;
  }
}

/**
 * What a template may interpolate: text and numbers (escaped, numbers via String), Markup (as is),
 * arrays of these (concatenated), and null, undefined or false (nothing), so `cond && markup`…`` works.
 */
export type Interpolation = Markup | string | number | false | null | undefined | readonly Interpolation[];

/** Where in the template's own text a value lands. */
type Hole = 'text' | 'tag' | 'quoted';

export class HtmlTemplateError extends Error {
  readonly code = 'HTML_UNQUOTED_VALUE';
}

const holesOf = new WeakMap<TemplateStringsArray, Hole[]>();

/**
 * Scans the static parts once per call site: a value inside a tag but outside quotes (`class=${x}`,
 * or `<a ${x}>`) could add attributes, so only Markup (or nothing) may go there.
 */
function holes(strings: TemplateStringsArray): Hole[] {
  const known = holesOf.get(strings);
  if (known !== undefined) return known;
  const out: Hole[] = [];
  let state: 'text' | 'tag' | '"' | "'" = 'text';
  strings.forEach((part, i) => {
    for (let j = 0; j < part.length; j++) {
      const c = part[j]!;
      if (state === 'text') {
        if (c === '<' && /[A-Za-z/!?]/.test(part[j + 1] ?? '')) state = 'tag';
      } else if (state === 'tag') {
        if (c === '>') state = 'text';
        else if (c === '"' || c === "'") state = c;
      } else if (c === state) state = 'tag';
    }
    if (i < strings.length - 1) out.push(state === 'text' ? 'text' : state === 'tag' ? 'tag' : 'quoted');
  });
  holesOf.set(strings, out);
  return out;
}

function render(value: Interpolation, hole: Hole): string {
  if (value instanceof Markup) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v, hole)).join('');
  // Strings and numbers, and anything a cast slipped past the types: text, escaped.
  const text = String(value);
  if (hole === 'tag')
    throw new HtmlTemplateError(
      `markup\`…\`: a value inside a tag must be quoted or Markup, not "${text.slice(0, 40)}"`,
    );
  return escapeText(text);
}

/** A template whose values are escaped for where they land (text or a quoted attribute). */
export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  const where = holes(strings);
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i], where[i]!) + strings[i + 1]!;
  return makeMarkup(out);
}

/** ` name="value"`, the value escaped; nothing at all when the value is empty, null, undefined or false. */
export function attr(name: string, value: string | number | false | null | undefined): Markup {
  if (!/^[a-z][a-z0-9-]*$/i.test(name))
    throw new HtmlTemplateError(`attr(): "${name.slice(0, 40)}" is not an attribute name`);
  return value === '' || value === null || value === undefined || value === false
    ? makeMarkup('')
    : makeMarkup(` ${name}="${escapeText(String(value))}"`);
}

/**
 * Text the caller vouches for as markup, placed without escaping: our own CSS and scripts, and
 * JSON already made safe for a <script> block. Never a value from a scenario.
 */
export function trusted(markup: string): Markup {
  return makeMarkup(markup);
}
