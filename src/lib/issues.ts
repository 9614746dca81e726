// Validation issues: what a validator reports (a path into the input and what was expected there),
// plus the field readers every validator uses, the bidders' model validators and the scenario loader in
// src/sim alike, so one error list reads in one style:
//   `<path>: must be <what was expected> (got <the value>)`, `<path>: is required`,
//   `<path>: unknown key (did you mean "x"?)`, `<path>: must be one of a, b (got "c"; did you mean "a"?)`.
// Each reader checks one value, pushes an Issue naming its path, and returns the value, or undefined
// when it was wrong so that later cross-checks (p99Ms > medianMs) skip rather than pile a second
// message onto the first. Every Issue is made by issue() or a helper over it, which takes the code
// (issue-codes.ts) and the message together.

import type { IssueCode } from './issue-codes.js';

export { ISSUE_CODES, isIssueCode, type IssueCode } from './issue-codes.js';

/**
 * One problem with the input as a person reads it: `path` names the field (`bidders[1].latency.p99Ms`),
 * `code` classifies what is wrong for tools and tests (issue-codes.ts), `message` says it in words.
 */
export interface Issue {
  path: string;
  code: IssueCode;
  message: string;
}

/** The longest path an issue keeps; a longer one (a huge unknown key) is cut short with its length. */
export const MAX_PATH_CHARS = 300;
/** The longest message an issue keeps. */
export const MAX_MESSAGE_CHARS = 1000;

/** `text` cut to at most `max` characters, saying how long it was: `aaaa… (1000000 characters)`. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `… (${text.length} characters)`;
  return `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/**
 * The one way an issue is made: its code and its message come together. Both are cut short, since
 * either can echo the input (an unknown key is its own path): no input makes an issue longer than
 * MAX_PATH_CHARS + MAX_MESSAGE_CHARS.
 */
export function issue(path: string, code: IssueCode, message: string): Issue {
  return { path: clip(path, MAX_PATH_CHARS), code, message: clip(message, MAX_MESSAGE_CHARS) };
}

/** `<path>: must be <expected> (got <value><hint>)`, the form of every wrong value. */
export function mustBe(path: string, code: IssueCode, expected: string, value: unknown, hint = ''): Issue {
  return issue(path, code, `must be ${expected} (got ${shown(value)}${hint})`);
}

/** `<path>: is required`, with what is required when the field's name does not say. */
export function required(path: string, what?: string): Issue {
  return issue(path, 'SCN_ERR_MISSING', what === undefined ? 'is required' : `is required (${what})`);
}

/** A value that must be above or below another field's: `must be greater than medianMs (20)`. */
export function outOfOrder(path: string, relation: string): Issue {
  return issue(path, 'SCN_ERR_ORDER', `must be ${relation}`);
}

/** `must be a non-empty array of <what> (got …)`: empty when it is an empty array, else the wrong type. */
export function notNonEmptyArray(path: string, what: string, value: unknown): Issue {
  const code = Array.isArray(value) && value.length === 0 ? 'SCN_ERR_EMPTY' : 'SCN_ERR_WRONG_TYPE';
  return mustBe(path, code, `a non-empty array of ${what}`, value);
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
    // The distance is at least the difference in length: most candidates are skipped unread, which
    // keeps a suggestion among the hundreds of thousands of paths of a large summary cheap.
    if (Math.abs(candidate.length - lower.length) > Math.min(limit, bestDistance)) continue;
    const d = levenshtein(lower, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** A value as the "(got …)" of a message: JSON, cut short so a huge value stays one line. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON would print NaN and Infinity (from a command-line flag) as null.
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type Raw = Record<string, unknown>;

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An Issue per key of `obj` not in `known`, at the key's own path, with a did-you-mean when one is close. */
export function checkKeys(obj: Raw, known: readonly string[], path: string, issues: Issue[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = suggest(key, known);
    const hint = guess !== undefined ? `did you mean "${guess}"?` : `expected one of ${known.join(', ')}`;
    issues.push(issue(joinPath(path, key), 'SCN_ERR_UNKNOWN_KEY', `unknown key (${hint})`));
  }
}

/** The object at `key`, {} when absent (so its defaults apply), undefined with an Issue otherwise. */
export function readObject(obj: Raw, key: string, path: string, issues: Issue[]): Raw | undefined {
  const value = obj[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  issues.push(mustBe(joinPath(path, key), 'SCN_ERR_WRONG_TYPE', 'an object', value));
  return undefined;
}

/**
 * The core of every reader: the value at `key` when `valid` accepts it. When absent: `fallback`, or,
 * with no fallback, an `is required` Issue. Otherwise an Issue `must be <expected> (got <value><hint>)`
 * with `code` (or the code `code` gives for the value) and undefined, so every reader's message has
 * the same form.
 */
export function readField<T>(
  obj: Raw,
  key: string,
  valid: (value: unknown) => value is T,
  expected: string,
  code: IssueCode | ((value: unknown) => IssueCode),
  fallback: T | undefined,
  path: string,
  issues: Issue[],
  hint = '',
): T | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (fallback === undefined) issues.push(required(joinPath(path, key)));
    return fallback;
  }
  if (valid(value)) return value;
  issues.push(mustBe(joinPath(path, key), typeof code === 'function' ? code(value) : code, expected, value, hint));
  return undefined;
}

/** What a number field accepts (always finite), and how that reads in a message. */
export interface NumberRule {
  /** Exclusive lower bound. */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** How the rule reads in a message: "a positive number". */
  expected: string;
  /**
   * A documented limit (docs/scenarios.md, "Limits") above what `expected` says: a value past it
   * reads `must be at most <limit>`, so the message names the limit rather than restating the rule.
   */
  limit?: number;
}

export const POSITIVE: NumberRule = { above: 0, expected: 'a positive number' };
export const NON_NEGATIVE: NumberRule = { min: 0, expected: 'a number >= 0' };
export const FRACTION: NumberRule = { min: 0, max: 1, expected: 'a number from 0 to 1' };

export function integerIn(min: number, max: number): NumberRule {
  return { min, max, integer: true, expected: `an integer from ${min} to ${max}` };
}

/** `rule` with a documented upper limit. */
export function upTo(rule: NumberRule, limit: number): NumberRule {
  return { ...rule, limit };
}

/** Why `value` fails `rule`, in the order the checks run; undefined when it passes. */
function failure(value: unknown, rule: NumberRule): IssueCode | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'SCN_ERR_NOT_A_NUMBER';
  if (rule.integer === true && !Number.isInteger(value)) return 'SCN_ERR_NOT_AN_INTEGER';
  if (rule.above !== undefined && !(value > rule.above)) return 'SCN_ERR_OUT_OF_RANGE';
  if (rule.below !== undefined && !(value < rule.below)) return 'SCN_ERR_OUT_OF_RANGE';
  if (rule.min !== undefined && value < rule.min) return 'SCN_ERR_OUT_OF_RANGE';
  if (rule.max !== undefined && value > rule.max) return 'SCN_ERR_OUT_OF_RANGE';
  if (rule.limit !== undefined && value > rule.limit) return 'SCN_ERR_OUT_OF_RANGE';
  return undefined;
}

/**
 * The number at `key` if it meets `rule`. When absent: `fallback`, or, with no fallback, an
 * `is required` Issue. A wrong value (a string, NaN, out of range) gives an Issue and undefined.
 */
export function readNumber(
  obj: Raw,
  key: string,
  rule: NumberRule,
  fallback: number | undefined,
  path: string,
  issues: Issue[],
): number | undefined {
  const valid = (value: unknown): value is number => failure(value, rule) === undefined;
  // Asked only of a value `valid` turned down, so failure() always has an answer.
  const code = (value: unknown): IssueCode => failure(value, rule) ?? 'SCN_ERR_OUT_OF_RANGE';
  const value = obj[key];
  if (rule.limit !== undefined && typeof value === 'number' && value > rule.limit) {
    if (failure(value, { ...rule, limit: undefined }) === undefined) {
      issues.push(mustBe(joinPath(path, key), 'SCN_ERR_OUT_OF_RANGE', `at most ${rule.limit}`, value));
      return undefined;
    }
  }
  return readField(obj, key, valid, rule.expected, code, fallback, path, issues);
}

/** Like readNumber, but null is a value too ("not this way"); absent gives null. */
export function readNullableNumber(
  obj: Raw,
  key: string,
  rule: NumberRule,
  path: string,
  issues: Issue[],
): number | null | undefined {
  if (obj[key] === null || obj[key] === undefined) return null;
  return readNumber(obj, key, rule, 0, path, issues);
}

/**
 * One of `options` at `key`, with a did-you-mean for a near miss. When absent: `fallback`, or, with
 * no fallback, an `is required (one of …)` Issue.
 */
export function readEnum<T extends string>(
  obj: Raw,
  key: string,
  options: readonly T[],
  fallback: T | undefined,
  path: string,
  issues: Issue[],
): T | undefined {
  const value = obj[key];
  const list = options.join(', ');
  if (value === undefined && fallback === undefined) {
    issues.push(required(joinPath(path, key), `one of ${list}`));
    return undefined;
  }
  const valid = (v: unknown): v is T => typeof v === 'string' && (options as readonly string[]).includes(v);
  const guess = typeof value === 'string' && !valid(value) ? suggest(value, options) : undefined;
  const hint = guess !== undefined ? `; did you mean "${guess}"?` : '';
  return readField(obj, key, valid, `one of ${list}`, 'SCN_ERR_NOT_ONE_OF', fallback, path, issues, hint);
}
