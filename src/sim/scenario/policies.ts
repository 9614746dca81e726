// The fan-out policies' scenario fields: `auction.adaptive`, `auction.throttle` and a group's `qps`,
// read and checked in the style of validate.ts (every problem an Issue naming its path), with
// DEFAULTS filling what a given section leaves out. Pure.

import {
  NON_NEGATIVE,
  POSITIVE,
  checkKeys,
  readNumber,
  upTo,
  type Issue,
  type NumberRule,
  type Raw,
} from '../../lib/issues.js';
import { LIMITS } from './limits.js';
import { DEFAULTS, type AdaptiveSpec, type ThrottleSpec } from './schema.js';

export const ADAPTIVE_KEYS = ['quantile', 'marginMs', 'windowSec', 'minMs'] as const;
export const THROTTLE_KEYS = ['maxTimeoutRate', 'windowSec', 'minShare'] as const;

const QUANTILE: NumberRule = { above: 0, below: 1, expected: 'a number above 0 and below 1' };
const RATE: NumberRule = { min: 0, below: 1, expected: 'a number from 0 up to (not including) 1' };
const SHARE: NumberRule = { above: 0, max: 1, expected: 'a number above 0 and at most 1' };
const WINDOW = upTo(POSITIVE, LIMITS.policyWindowSec);
const MS = upTo(NON_NEGATIVE, LIMITS.tmaxMs);

/** `auction.adaptive`, present: its fields checked, DEFAULTS.adaptive for the rest. */
export function checkAdaptive(raw: Raw, path: string, issues: Issue[]): AdaptiveSpec {
  const d = DEFAULTS.adaptive;
  checkKeys(raw, ADAPTIVE_KEYS, path, issues);
  return {
    quantile: readNumber(raw, 'quantile', QUANTILE, d.quantile, path, issues) ?? d.quantile,
    marginMs: readNumber(raw, 'marginMs', MS, d.marginMs, path, issues) ?? d.marginMs,
    windowSec: readNumber(raw, 'windowSec', WINDOW, d.windowSec, path, issues) ?? d.windowSec,
    minMs: readNumber(raw, 'minMs', MS, d.minMs, path, issues) ?? d.minMs,
  };
}

/** `auction.throttle`, present: its fields checked, DEFAULTS.throttle for the rest. */
export function checkThrottle(raw: Raw, path: string, issues: Issue[]): ThrottleSpec {
  const d = DEFAULTS.throttle;
  checkKeys(raw, THROTTLE_KEYS, path, issues);
  return {
    maxTimeoutRate: readNumber(raw, 'maxTimeoutRate', RATE, d.maxTimeoutRate, path, issues) ?? d.maxTimeoutRate,
    windowSec: readNumber(raw, 'windowSec', WINDOW, d.windowSec, path, issues) ?? d.windowSec,
    minShare: readNumber(raw, 'minShare', SHARE, d.minShare, path, issues) ?? d.minShare,
  };
}

/** A group's `qps`, or undefined when absent or wrong (with an Issue). */
export function readQps(raw: Raw, path: string, issues: Issue[]): number | undefined {
  if (raw.qps === undefined) return undefined;
  return readNumber(raw, 'qps', upTo(POSITIVE, LIMITS.qps), undefined, path, issues);
}
