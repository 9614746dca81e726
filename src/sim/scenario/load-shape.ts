// The shape of the load over time: the bursty process's two states, the profile of rate multipliers
// and the trace file's path (load.bursty, load.profile, load.trace). Pure but for resolving a relative
// trace path against the scenario's folder.

import { dirname, resolve } from 'node:path';
import {
  POSITIVE,
  checkKeys,
  issue,
  mustBe,
  notNonEmptyArray,
  readNumber,
  readObject,
  required,
  upTo,
  type Issue,
  type NumberRule,
  type Raw,
} from '../../lib/issues.js';
import { LIMITS } from './limits.js';
import type { BurstySpec, LoadSpec } from './schema.js';

const BURSTY_KEYS = ['highRate', 'lowRate', 'highMeanSec', 'lowMeanSec'] as const;
/** A state's rate: as `load.rate`'s bounds, so no gap is a timer Node cannot set. */
const STATE_RATE: NumberRule = { min: 0.001, limit: LIMITS.rate, expected: 'a number >= 0.001' };
const SOJOURN = upTo(POSITIVE, LIMITS.durationSec);
const MULTIPLIER: NumberRule = { above: 0, limit: LIMITS.profileMultiplier, expected: 'a positive number' };

export interface LoadShape {
  bursty: BurstySpec | null;
  profile: number[] | null;
  trace: string | null;
}

function checkBursty(raw: Raw, issues: Issue[]): BurstySpec | null {
  const at = 'load.bursty';
  checkKeys(raw, BURSTY_KEYS, at, issues);
  const highRate = readNumber(raw, 'highRate', STATE_RATE, undefined, at, issues);
  const lowRate = readNumber(raw, 'lowRate', STATE_RATE, undefined, at, issues);
  const highMeanSec = readNumber(raw, 'highMeanSec', SOJOURN, undefined, at, issues);
  const lowMeanSec = readNumber(raw, 'lowMeanSec', SOJOURN, undefined, at, issues);
  if (highRate === undefined || lowRate === undefined || highMeanSec === undefined || lowMeanSec === undefined)
    return null;
  return { highRate, lowRate, highMeanSec, lowMeanSec };
}

function checkProfile(value: unknown, issues: Issue[]): number[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(notNonEmptyArray('load.profile', 'rate multipliers', value));
    return null;
  }
  if (value.length > LIMITS.profileSlices) {
    const message = `must have at most ${LIMITS.profileSlices.toLocaleString('en-US')} slices, the limit (got ${value.length.toLocaleString('en-US')})`;
    issues.push(issue('load.profile', 'SCN_ERR_TOO_LARGE', message));
    return null;
  }
  const before = issues.length;
  const out = value.map((v: unknown, i) =>
    readNumber({ [`profile[${i}]`]: v }, `profile[${i}]`, MULTIPLIER, undefined, 'load', issues),
  );
  return issues.length === before ? (out as number[]) : null;
}

function checkTracePath(value: unknown, source: string | undefined, issues: Issue[]): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.tracePathChars) {
    const expected = `a file path of 1 to ${LIMITS.tracePathChars.toLocaleString('en-US')} characters`;
    issues.push(mustBe('load.trace', 'SCN_ERR_BAD_FORMAT', expected, value));
    return null;
  }
  return resolveTracePath(value, source) as string;
}

/**
 * A trace path relative to the scenario file (the working directory without one), so a scenario and
 * its trace move together; an absolute path stays. Anything but a string is left as it is.
 */
export function resolveTracePath(value: unknown, source: string | undefined): unknown {
  if (typeof value !== 'string') return value;
  return source === undefined ? resolve(value) : resolve(dirname(source), value);
}

/**
 * load.bursty, load.profile and load.trace from the raw load, checked against `arrival` and the run's
 * length: bursty needs its states, trace its file; a profile needs a duration to slice and has no
 * meaning for a trace. A bursty or trace field under another arrival is kept unused, so a sweep can
 * switch `load.arrival` over a scenario that gives both.
 */
export function checkLoadShape(
  raw: Raw,
  arrival: LoadSpec['arrival'] | undefined,
  durationSec: number | null | undefined,
  source: string | undefined,
  issues: Issue[],
): LoadShape {
  let bursty: BurstySpec | null = null;
  let burstyBad = false;
  if (raw.bursty !== undefined && raw.bursty !== null) {
    const before = issues.length;
    const obj = readObject(raw, 'bursty', 'load', issues);
    bursty = obj === undefined ? null : checkBursty(obj, issues);
    burstyBad = issues.length > before;
  }
  if (arrival === 'bursty' && bursty === null && !burstyBad)
    issues.push(required('load.bursty', 'highRate, lowRate, highMeanSec and lowMeanSec, with arrival bursty'));

  let profile: number[] | null = null;
  if (raw.profile !== undefined && raw.profile !== null) {
    profile = checkProfile(raw.profile, issues);
    if (profile !== null && arrival === 'trace') {
      issues.push(issue('load.profile', 'SCN_ERR_CONFLICT', 'cannot shape a trace, which is replayed as it is'));
    } else if (profile !== null && durationSec === null) {
      const message = 'needs durationSec to cut into slices, not an auctions count';
      issues.push(issue('load.profile', 'SCN_ERR_CONFLICT', message));
    }
  }

  let trace: string | null = null;
  if (raw.trace !== undefined && raw.trace !== null) trace = checkTracePath(raw.trace, source, issues);
  else if (arrival === 'trace') issues.push(required('load.trace', 'the file of arrival offsets, with arrival trace'));
  return { bursty, profile, trace };
}
