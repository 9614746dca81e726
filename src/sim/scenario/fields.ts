// Scenario-only field readers, in the style of the shared ones in lib/issues.ts: scenario and leaf
// names, which end up as URL path segments and folder names.

import { readField, type Issue, type Raw } from '../../lib/issues.js';

/** Letters, digits, dot, underscore, dash: safe in a URL path and as a folder name. */
const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/**
 * A bidder group's name, and so its leaves' (`name-1` …): no dot, because thresholds and sweep axes
 * name groups and leaves inside dotted paths (`groups.dsp.sent`, `bidders.dsp-1.timeoutRate`), where
 * `groups.a.b.sent` could mean group `a.b` or field `b` of group `a`. Forbidding the dot keeps every
 * such path one reading, with no escape syntax to learn.
 */
const GROUP_NAME = /^[A-Za-z0-9_-]{1,100}$/;

function isSafeName(value: unknown): value is string {
  return typeof value === 'string' && SAFE_NAME.test(value) && !/^\.+$/.test(value);
}

function isGroupName(value: unknown): value is string {
  return typeof value === 'string' && GROUP_NAME.test(value);
}

/** A name that can be a URL path segment and a folder name ("." and ".." are neither). */
export function readSafeName(
  obj: Raw,
  key: string,
  fallback: string | undefined,
  path: string,
  issues: Issue[],
): string | undefined {
  const expected = '1 to 100 of letters, digits, ".", "_" and "-", not only dots';
  return readField(obj, key, isSafeName, expected, 'SCN_ERR_BAD_FORMAT', fallback, path, issues);
}

/** A bidder group's name: a safe name without dots, since dotted paths name groups and leaves. */
export function readGroupName(obj: Raw, key: string, path: string, issues: Issue[]): string | undefined {
  const dotted = typeof obj[key] === 'string' && (obj[key] as string).includes('.');
  const expected = '1 to 100 of letters, digits, "_" and "-"';
  const hint = dotted ? '; no ".": thresholds and sweep axes name groups and leaves in dotted paths' : '';
  return readField(obj, key, isGroupName, expected, 'SCN_ERR_BAD_FORMAT', undefined, path, issues, hint);
}

/** Makes a safe name out of anything (a file's base name), for defaults rather than validation. */
export function toSafeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
  return cleaned === '' || /^\.+$/.test(cleaned) ? 'scenario' : cleaned;
}
