// Small readers for scenario fields. Each checks one value, pushes an Issue naming the path and what
// was expected, and returns the value, or undefined when it was wrong so that later cross-checks
// (allowanceMs < tmaxMs) skip rather than pile a second message onto the first.

import { isRecord, suggest, type Issue } from '../bidders/issues.js';

export { isRecord };
export type Raw = Record<string, unknown>;

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

/** `base.key`, or just `key` at the top level. */
export function join(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** An Issue per key not in `known`, with a did-you-mean when one is close. */
export function checkKeys(obj: Raw, known: readonly string[], base: string, issues: Issue[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = suggest(key, known);
    const hint = guess !== undefined ? `did you mean "${guess}"?` : `expected one of ${known.join(', ')}`;
    issues.push({ path: join(base, key), message: `unknown key (${hint})` });
  }
}

/** The object at `key`, {} when absent (so its defaults apply), undefined with an Issue otherwise. */
export function readObject(obj: Raw, key: string, base: string, issues: Issue[]): Raw | undefined {
  const value = obj[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  issues.push({ path: join(base, key), message: `must be an object (got ${shown(value)})` });
  return undefined;
}

interface NumberRule {
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** How the rule reads in a message: "a positive number". */
  expected: string;
}

export const POSITIVE: NumberRule = { above: 0, expected: 'a positive number' };
export const NON_NEGATIVE: NumberRule = { min: 0, expected: 'a number >= 0' };
export const FRACTION: NumberRule = { min: 0, max: 1, expected: 'a number from 0 to 1' };

export function integerIn(min: number, max: number): NumberRule {
  return { min, max, integer: true, expected: `an integer from ${min} to ${max}` };
}

function passes(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.integer === true && !Number.isInteger(value)) return false;
  if (rule.above !== undefined && !(value > rule.above)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  return rule.max === undefined || value <= rule.max;
}

/** A number at `key` meeting `rule`; `fallback` when absent, undefined with an Issue when wrong. */
export function readNumber(
  obj: Raw,
  key: string,
  rule: NumberRule,
  fallback: number,
  base: string,
  issues: Issue[],
): number | undefined {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && passes(value, rule)) return value;
  issues.push({ path: join(base, key), message: `must be ${rule.expected} (got ${shown(value)})` });
  return undefined;
}

/** Like readNumber, but null is a value too ("not this way"); absent gives null. */
export function readNullableNumber(
  obj: Raw,
  key: string,
  rule: NumberRule,
  base: string,
  issues: Issue[],
): number | null | undefined {
  if (obj[key] === null || obj[key] === undefined) return null;
  return readNumber(obj, key, rule, 0, base, issues);
}

/** One of `options` at `key`, with a did-you-mean for a near miss. */
export function readEnum<T extends string>(
  obj: Raw,
  key: string,
  options: readonly T[],
  fallback: T,
  base: string,
  issues: Issue[],
): T | undefined {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
  const list = options.join(', ');
  const guess = typeof value === 'string' ? suggest(value, options) : undefined;
  const hint = guess !== undefined ? `; did you mean "${guess}"?` : '';
  issues.push({ path: join(base, key), message: `must be one of ${list} (got ${shown(value)}${hint})` });
  return undefined;
}

/** Letters, digits, dot, underscore, dash: safe in a URL path and as a folder name. */
const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** A name that can be a URL path segment and a folder name ("." and ".." are neither). */
export function readSafeName(
  obj: Raw,
  key: string,
  fallback: string | undefined,
  base: string,
  issues: Issue[],
): string | undefined {
  const value = obj[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) {
    issues.push({ path: join(base, key), message: 'required' });
    return undefined;
  }
  if (typeof value === 'string' && SAFE_NAME.test(value) && !/^\.+$/.test(value)) return value;
  issues.push({
    path: join(base, key),
    message: `must be 1 to 100 of letters, digits, ".", "_" and "-", not only dots (got ${shown(value)})`,
  });
  return undefined;
}

/** Makes a safe name out of anything (a file's base name), for defaults rather than validation. */
export function toSafeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
  return cleaned === '' || /^\.+$/.test(cleaned) ? 'scenario' : cleaned;
}
