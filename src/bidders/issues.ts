// Validation issues: what a validator reports (a path into the input and what was expected there),
// plus the small field checks the model validators share. The scenario loader in src/sim reuses them
// so every message in a scenario error reads the same way.

/** One problem with the input: `path` names the field (`bidders[1].latency.p99Ms`). */
export interface Issue {
  path: string;
  message: string;
}

/** `path` + `.key`, or just `key` at the top level. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Edit distance (insert, delete, substitute), two-row dynamic programme. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min((prev[j] ?? 0) + 1, (curr[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate `name` was most likely meant to be, or undefined when none is close. Case is ignored
 * (a wrong-case key is the commonest slip); "close" is at most a third of the name's length in edits,
 * at least 1, so short names do not match everything.
 */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(lower, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** A short rendering of a bad value for messages: strings quoted, objects by kind. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One issue per key of `obj` not in `allowed`, at the key's own path, with a did-you-mean. */
export function unknownKeyIssues(obj: Record<string, unknown>, allowed: readonly string[], path: string): Issue[] {
  const issues: Issue[] = [];
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const hint = suggest(key, allowed);
    issues.push({ path: joinPath(path, key), message: `unknown key${hint === undefined ? '' : ` (did you mean "${hint}"?)`}` });
  }
  return issues;
}

/** The lower bound a number field must respect: `> min` (exclusive) or `>= min`. */
export interface Bound {
  min: number;
  exclusive: boolean;
}

export const POSITIVE: Bound = { min: 0, exclusive: true };
export const NON_NEGATIVE: Bound = { min: 0, exclusive: false };

/**
 * Checks that `obj[key]` is present, a finite number and within `bound`; pushes an issue otherwise.
 * Returns the number when it is valid, so callers can go on to check relations between fields.
 */
export function checkNumber(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  bound: Bound,
  issues: Issue[],
): number | undefined {
  const at = joinPath(path, key);
  const value = obj[key];
  if (value === undefined) {
    issues.push({ path: at, message: 'is required' });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ path: at, message: `must be a finite number (got ${describe(value)})` });
    return undefined;
  }
  if (bound.exclusive ? value <= bound.min : value < bound.min) {
    const rule = bound.exclusive ? `greater than ${bound.min}` : `at least ${bound.min}`;
    issues.push({ path: at, message: `must be ${rule} (got ${value})` });
    return undefined;
  }
  return value;
}

/**
 * Checks `obj.model` names one of `models`; pushes an issue and returns undefined otherwise.
 * Message: `must be one of constant, uniform (got "lognormall")`.
 */
export function checkModel<M extends string>(
  obj: Record<string, unknown>,
  models: readonly M[],
  path: string,
  issues: Issue[],
): M | undefined {
  const value = obj['model'];
  const at = joinPath(path, 'model');
  const list = models.join(', ');
  if (value === undefined) {
    issues.push({ path: at, message: `is required (one of ${list})` });
    return undefined;
  }
  if (typeof value !== 'string' || !(models as readonly string[]).includes(value)) {
    const hint = typeof value === 'string' ? suggest(value, models) : undefined;
    issues.push({ path: at, message: `must be one of ${list} (got ${describe(value)}${hint === undefined ? '' : `; did you mean "${hint}"?`})` });
    return undefined;
  }
  return value as M;
}
