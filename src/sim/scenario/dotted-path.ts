// Dotted paths into plain JSON data: `auction.tmaxMs`, `bidders.0.count`. Sweeps name scenario
// fields this way and thresholds name summary fields this way; a numeric segment indexes an array.

/** Segments that would reach the prototype chain rather than the data. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

const INDEX = /^(0|[1-9]\d*)$/;

/** `a.b.0` → `['a', 'b', '0']`; undefined when the path has an empty segment. */
export function splitPath(path: string): string[] | undefined {
  const segments = path.split('.');
  return segments.every((s) => s.length > 0) ? segments : undefined;
}

/** Whether `path` is a well-formed dotted path that stays out of the prototype chain. */
export function isSafePath(path: string): boolean {
  const segments = splitPath(path);
  return segments !== undefined && !segments.some((s) => FORBIDDEN.has(s));
}

/** A path as issues print it: `bidders.1.latency` → `bidders[1].latency`. */
export function issuePath(path: string): string {
  let out = '';
  for (const segment of path.split('.')) {
    out += INDEX.test(segment) ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** The child under one segment, own properties only; undefined when there is none. */
function child(container: unknown, segment: string): unknown {
  if (Array.isArray(container)) {
    return INDEX.test(segment) ? container[Number(segment)] : undefined;
  }
  if (isContainer(container) && Object.hasOwn(container, segment)) {
    return (container as Record<string, unknown>)[segment];
  }
  return undefined;
}

/** The value at `path`, or undefined when any segment is missing. */
export function getPath(obj: unknown, path: string): unknown {
  const segments = splitPath(path);
  if (segments === undefined) return undefined;
  let at: unknown = obj;
  for (const segment of segments) {
    at = child(at, segment);
    if (at === undefined) return undefined;
  }
  return at;
}

/** Whether `path` names an existing value (null counts as existing). */
export function hasPath(obj: unknown, path: string): boolean {
  return getPath(obj, path) !== undefined;
}

/** Thrown by setPath when the path cannot be written; `code` is stable for callers and tests. */
export class PathError extends Error {
  readonly code: 'PATH_INVALID' | 'PATH_MISSING' | 'PATH_FORBIDDEN';
  constructor(code: PathError['code'], message: string) {
    super(message);
    this.name = 'PathError';
    this.code = code;
  }
}

/**
 * Writes `value` at `path` in place (callers that need the original clone first). Every container on
 * the way must exist, and an array index must be inside the array: a sweep or an override names a
 * field that is there, so a missing one is a mistake to report rather than something to create.
 */
export function setPath(obj: unknown, path: string, value: unknown): void {
  const segments = splitPath(path);
  if (segments === undefined) throw new PathError('PATH_INVALID', `invalid path "${path}"`);
  if (segments.some((s) => FORBIDDEN.has(s))) {
    throw new PathError('PATH_FORBIDDEN', `path "${path}" reaches the prototype`);
  }
  let at: unknown = obj;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (Array.isArray(at)) {
      if (!INDEX.test(segment) || Number(segment) >= at.length) {
        throw new PathError('PATH_MISSING', `"${path}": no index ${segment} in an array of ${at.length}`);
      }
      if (last) at[Number(segment)] = value;
      else at = at[Number(segment)];
    } else if (isContainer(at)) {
      if (last) (at as Record<string, unknown>)[segment] = value;
      else at = child(at, segment);
    } else {
      const where = segments.slice(0, i).join('.') || '(root)';
      throw new PathError('PATH_MISSING', `"${path}": ${where} is not an object or array`);
    }
  }
}

/**
 * Every path to a value in `obj` (containers and their contents), in document order. Iterative, with
 * an explicit stack: a summary of thousands of leaves has hundreds of thousands of paths, which a
 * recursive version that spread each child's list into its parent's overflowed the stack on.
 */
export function listPaths(obj: unknown, prefix = ''): string[] {
  const out: string[] = [];
  const entriesOf = (value: unknown): (readonly [string, unknown])[] =>
    !isContainer(value)
      ? []
      : Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value);
  // Each frame is a container's entries still to visit, read from the front: document order.
  const stack: { prefix: string; entries: (readonly [string, unknown])[]; next: number }[] = [
    { prefix, entries: entriesOf(obj), next: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.entries.length) {
      stack.pop();
      continue;
    }
    const [key, value] = frame.entries[frame.next++]!;
    const path = frame.prefix === '' ? key : `${frame.prefix}.${key}`;
    out.push(path);
    if (isContainer(value)) stack.push({ prefix: path, entries: entriesOf(value), next: 0 });
  }
  return out;
}
