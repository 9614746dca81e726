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

/** Where in the template's own text a value lands: text, inside a tag, or in a quoted attribute. */
type Hole = 'text' | 'tag' | { attribute: string };

export type HtmlTemplateErrorCode =
  /** A string or number inside a tag outside quotes (or as a tag's name), where it could add attributes. */
  | 'HTML_UNQUOTED_VALUE'
  /** Markup inside a quoted attribute, where its quotes could close the attribute. */
  | 'HTML_MARKUP_IN_ATTRIBUTE'
  /** A value in an event handler (on…), or a javascript: URL in any attribute: escaping cannot make these safe. */
  | 'HTML_UNSAFE_ATTRIBUTE';

export class HtmlTemplateError extends Error {
  constructor(
    readonly code: HtmlTemplateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const holesOf = new WeakMap<TemplateStringsArray, Hole[]>();

/** Attributes whose value is code: no interpolated value may go there, escaped or not. */
const EVENT_HANDLER = /^on/i;
// Browsers skip leading whitespace and control characters before a URL's scheme.
// eslint-disable-next-line no-control-regex
const SCRIPT_URL = /^[\s\0-\x1f]*(?:javascript|vbscript|data):/i;

/**
 * Scans the static parts once per call site: a value inside a tag but outside quotes (`class=${x}`,
 * `<a ${x}>`, or `<${x}>` as the tag's name) could add attributes, so only Markup (or nothing) may go
 * there; a value in quotes is told the attribute's name, so an event handler can refuse it.
 */
function holes(strings: TemplateStringsArray): Hole[] {
  const known = holesOf.get(strings);
  if (known !== undefined) return known;
  const out: Hole[] = [];
  let state: 'text' | 'tag' | '"' | "'" = 'text';
  let attribute = '';
  strings.forEach((part, i) => {
    const last = i === strings.length - 1;
    for (let j = 0; j < part.length; j++) {
      const c = part[j]!;
      if (state === 'text') {
        // `<` right before a value opens a tag whose name is that value.
        if (c === '<' && (/[A-Za-z/!?]/.test(part[j + 1] ?? '') || (j === part.length - 1 && !last))) state = 'tag';
      } else if (state === 'tag') {
        if (c === '>') state = 'text';
        else if (c === '"' || c === "'") {
          state = c;
          attribute = /([^\s"'=<>/]+)\s*=\s*$/.exec(part.slice(0, j))?.[1] ?? '';
        }
      } else if (c === state) state = 'tag';
    }
    if (!last) out.push(state === 'text' ? 'text' : state === 'tag' ? 'tag' : { attribute });
  });
  holesOf.set(strings, out);
  return out;
}

const isList = (value: Interpolation): value is readonly Interpolation[] => Array.isArray(value);

function render(value: Interpolation, hole: Hole): string {
  if (value === null || value === undefined || value === false) return '';
  if (isList(value)) return value.map((v: Interpolation) => render(v, hole)).join('');
  if (typeof hole === 'object') return attributeValue(value, hole.attribute);
  if (value instanceof Markup) return value.toString();
  // Strings and numbers, and anything a cast slipped past the types: text, escaped.
  const text = String(value);
  if (hole === 'tag')
    throw new HtmlTemplateError(
      'HTML_UNQUOTED_VALUE',
      `markup\`…\`: a value inside a tag must be quoted or Markup, not "${text.slice(0, 40)}"`,
    );
  return escapeText(text);
}

function attributeValue(value: Markup | string | number, attribute: string): string {
  if (value instanceof Markup)
    throw new HtmlTemplateError('HTML_MARKUP_IN_ATTRIBUTE', `markup\`…\`: Markup placed in the ${attribute} attribute`);
  const text = String(value);
  if (EVENT_HANDLER.test(attribute) || SCRIPT_URL.test(text))
    throw new HtmlTemplateError(
      'HTML_UNSAFE_ATTRIBUTE',
      `markup\`…\`: no value may be placed in ${attribute}="…" (got "${text.slice(0, 40)}")`,
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
    throw new HtmlTemplateError('HTML_UNQUOTED_VALUE', `attr(): "${name.slice(0, 40)}" is not an attribute name`);
  return value === '' || value === null || value === undefined || value === false
    ? makeMarkup('')
    : makeMarkup(` ${name}="${attributeValue(value, name)}"`);
}

/**
 * Text the caller vouches for as markup, placed without escaping: our own CSS and scripts, and
 * JSON already made safe for a <script> block. Never a value from a scenario.
 */
export function trusted(markup: string): Markup {
  return makeMarkup(markup);
}
