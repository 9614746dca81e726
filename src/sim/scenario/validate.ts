// Raw JSON → Scenario. Pure: every problem becomes an Issue naming its path and what was expected,
// all of them are collected in one pass, and defaults fill whatever is absent.

import { basename, dirname, extname } from 'node:path';
import type { LatencySpec } from '../../bidders/config.js';
import {
  NON_NEGATIVE,
  POSITIVE,
  checkKeys,
  integerIn,
  isRecord,
  issue,
  mustBe,
  outOfOrder,
  readEnum,
  readNullableNumber,
  readNumber,
  readObject,
  upTo,
  type Issue,
  type NumberRule,
  type Raw,
} from '../../lib/issues.js';
import { checkBidders, checkGroupDeadlines, checkLatency } from './bidder-groups.js';
import { checkRequests } from './recorded-requests.js';
import { absoluteLatencyFiles } from './measured-files.js';
import { readSafeName, toSafeName } from './fields.js';
import {
  DEFAULTS,
  fresh,
  type AuctionSpec,
  type LoadSpec,
  type ObjectiveSpec,
  type ReconnectSpec,
  type Scenario,
} from './schema.js';
import { checkSweep, checkThresholds } from './dotted-sections.js';
import { LIMITS, processLimitIssues, tooDeepAt, tooDeepIssue, type ProcessShare } from './limits.js';
import { checkAdaptive, checkThrottle } from './policies.js';
import { checkLoadShape, resolveTracePath } from './load-shape.js';
import { meanRate } from './load-rates.js';

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; issues: Issue[] };

const TOP_KEYS = [
  'name',
  'seed',
  'mode',
  'load',
  'auction',
  'bidders',
  'thresholds',
  'sweep',
  'repeats',
  'objective',
  'network',
  'reconnect',
  'requests',
] as const;
const RECONNECT_KEYS = ['initialBackoffMs', 'maxBackoffMs', 'stableMs'] as const;
/** Redial waits: at least a millisecond (no tight loop), at most ten minutes (a timer Node can set). */
const BACKOFF_MS = { min: 1, max: 600_000, expected: 'a number of ms from 1 to 600000' } satisfies NumberRule;
const STABLE_MS = { min: 0, max: 600_000, expected: 'a number of ms from 0 to 600000' } satisfies NumberRule;
const OBJECTIVE_KEYS = ['tolerance', 'costPerBidderCall', 'costPerMsWaited'] as const;
/** Seeds per sweep cell: a hundred narrows an interval tenfold over one; more is a different tool. */
export const MAX_REPEATS = 100;
/** A tolerance of half the best value would already let almost any cell win. */
const TOLERANCE: NumberRule = { min: 0, max: 0.5, expected: 'a number from 0 to 0.5' };
/** Costs in currency; far above any real callout or holding cost, low enough to stay exact. */
const COST: NumberRule = { min: 0, max: 1_000_000, expected: 'a number from 0 to 1000000' };
const LOAD_KEYS = ['arrival', 'rate', 'durationSec', 'auctions', 'warmupSec', 'bursty', 'profile', 'trace'] as const;
const ARRIVALS = ['poisson', 'constant', 'bursty', 'trace'] as const;
const AUCTION_KEYS = [
  'type',
  'tmaxMs',
  'allowanceMs',
  'minBidderMs',
  'floor',
  'impressions',
  'increment',
  'maxPrice',
  'maxPayloadBytes',
  'adaptive',
  'throttle',
] as const;
/** Below this a multi-bid response could not fit; above it one bidder could make the exchange hold a lot. */
const PAYLOAD_BYTES = integerIn(1024, 64 * 1024 * 1024);
const MAX_IMPRESSIONS = 100;
const SEED: NumberRule = {
  integer: true,
  min: Number.MIN_SAFE_INTEGER,
  max: Number.MAX_SAFE_INTEGER,
  expected: 'an integer',
};
const COUNT: NumberRule = { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER, expected: 'a positive integer' };
/** At least an auction every 1000 s, so the gap to the next arrival is never a timer Node cannot set. */
const RATE: NumberRule = { min: 0.001, limit: LIMITS.rate, expected: 'a number >= 0.001' };

/** "(got 1, the default)" tells the user which number to change when they never wrote it. */
function got(raw: Raw, key: string, value: number): string {
  return raw[key] === undefined ? `(got ${value}, the default)` : `(got ${value})`;
}

function checkLoad(raw: Raw, source: string | undefined, issues: Issue[]): LoadSpec {
  const d = DEFAULTS.load;
  checkKeys(raw, LOAD_KEYS, 'load', issues);
  const arrival = readEnum(raw, 'arrival', ARRIVALS, d.arrival, 'load', issues);
  const rate = readNumber(raw, 'rate', RATE, d.rate, 'load', issues);
  let durationSec = readNullableNumber(raw, 'durationSec', upTo(POSITIVE, LIMITS.durationSec), 'load', issues);
  // The most auctions one process runs is checked on the segment's share (limits.ts processLimitIssues).
  const auctions = readNullableNumber(raw, 'auctions', upTo(COUNT, LIMITS.runAuctions), 'load', issues);
  const warmupSec = readNumber(raw, 'warmupSec', NON_NEGATIVE, d.warmupSec, 'load', issues);

  if (typeof durationSec === 'number' && typeof auctions === 'number') {
    const both = `got durationSec ${durationSec} and auctions ${auctions}`;
    const message = `cannot be given together with durationSec; give one (${both})`;
    issues.push(issue('load.auctions', 'SCN_ERR_CONFLICT', message));
  } else if (durationSec === null && auctions === null) {
    durationSec = d.durationSec;
  }
  const shape = checkLoadShape(raw, arrival, durationSec, source, issues);
  // The run's mean rate: a bursty load's own, a profile's mean multiplier included.
  const mean = rate === undefined ? undefined : meanRate({ ...d, arrival: arrival ?? d.arrival, rate, ...shape });
  if (warmupSec !== undefined) {
    if (typeof durationSec === 'number' && auctions === null && warmupSec >= durationSec) {
      issues.push(
        outOfOrder('load.warmupSec', `less than durationSec (${durationSec}) ${got(raw, 'warmupSec', warmupSec)}`),
      );
    }
    // With a count instead of a duration, the run lasts auctions / rate on average; a warmup that long
    // would leave nothing measured.
    if (typeof auctions === 'number' && durationSec === null && mean !== undefined && warmupSec >= auctions / mean) {
      const limit = `auctions / rate (${auctions / mean} s)`;
      issues.push(outOfOrder('load.warmupSec', `less than ${limit} ${got(raw, 'warmupSec', warmupSec)}`));
    }
  }
  return {
    arrival: arrival ?? d.arrival,
    rate: rate ?? d.rate,
    durationSec: durationSec ?? null,
    auctions: auctions ?? null,
    warmupSec: warmupSec ?? d.warmupSec,
    ...shape,
  };
}

function checkAuction(raw: Raw, issues: Issue[]): AuctionSpec {
  const d = DEFAULTS.auction;
  const at = 'auction';
  checkKeys(raw, AUCTION_KEYS, at, issues);
  const type = readEnum(raw, 'type', ['first-price', 'second-price'], d.type, at, issues);
  const tmaxMs = readNumber(raw, 'tmaxMs', upTo(POSITIVE, LIMITS.tmaxMs), d.tmaxMs, at, issues);
  const allowanceMs = readNumber(raw, 'allowanceMs', NON_NEGATIVE, d.allowanceMs, at, issues);
  const minBidderMs = readNumber(raw, 'minBidderMs', NON_NEGATIVE, d.minBidderMs, at, issues);
  const floor = readNumber(raw, 'floor', NON_NEGATIVE, d.floor, at, issues);
  const impressions = readNumber(raw, 'impressions', integerIn(1, MAX_IMPRESSIONS), d.impressions, at, issues);
  const increment = readNumber(raw, 'increment', NON_NEGATIVE, d.increment, at, issues);
  const maxPrice = readNumber(raw, 'maxPrice', POSITIVE, d.maxPrice, at, issues);
  const maxPayloadBytes = readNumber(raw, 'maxPayloadBytes', PAYLOAD_BYTES, d.maxPayloadBytes, at, issues);

  if (tmaxMs !== undefined && allowanceMs !== undefined) {
    if (allowanceMs >= tmaxMs) {
      issues.push(
        outOfOrder('auction.allowanceMs', `less than tmaxMs (${tmaxMs}) ${got(raw, 'allowanceMs', allowanceMs)}`),
      );
    } else if (minBidderMs !== undefined && minBidderMs > tmaxMs - allowanceMs) {
      const relation = `at most tmaxMs - allowanceMs (${tmaxMs - allowanceMs}), or every bidder is skipped`;
      issues.push(outOfOrder('auction.minBidderMs', `${relation} ${got(raw, 'minBidderMs', minBidderMs)}`));
    }
  }
  if (floor !== undefined && maxPrice !== undefined && maxPrice <= floor) {
    issues.push(outOfOrder('auction.maxPrice', `greater than floor (${floor}) ${got(raw, 'maxPrice', maxPrice)}`));
  }
  // The policies are off when absent or null (null lets a sweep axis switch one off).
  const adaptiveRaw = optionalObject(raw, 'adaptive', at, issues);
  const throttleRaw = optionalObject(raw, 'throttle', at, issues);
  return {
    type: type ?? d.type,
    tmaxMs: tmaxMs ?? d.tmaxMs,
    allowanceMs: allowanceMs ?? d.allowanceMs,
    minBidderMs: minBidderMs ?? d.minBidderMs,
    floor: floor ?? d.floor,
    impressions: impressions ?? d.impressions,
    increment: increment ?? d.increment,
    maxPrice: maxPrice ?? d.maxPrice,
    maxPayloadBytes: maxPayloadBytes ?? d.maxPayloadBytes,
    ...(adaptiveRaw !== undefined && { adaptive: checkAdaptive(adaptiveRaw, `${at}.adaptive`, issues) }),
    ...(throttleRaw !== undefined && { throttle: checkThrottle(throttleRaw, `${at}.throttle`, issues) }),
  };
}

/** The object at `key` when given; undefined when absent, null (so a sweep axis can switch it off) or wrong. */
function optionalObject(raw: Raw, key: string, path: string, issues: Issue[]): Raw | undefined {
  if (raw[key] === undefined || raw[key] === null) return undefined;
  return readObject(raw, key, path, issues);
}

function checkObjective(raw: Raw, issues: Issue[]): ObjectiveSpec {
  const d = DEFAULTS.objective;
  checkKeys(raw, OBJECTIVE_KEYS, 'objective', issues);
  const tolerance = readNumber(raw, 'tolerance', TOLERANCE, d.tolerance, 'objective', issues);
  const perCall = readNumber(raw, 'costPerBidderCall', COST, d.costPerBidderCall, 'objective', issues);
  const perMs = readNumber(raw, 'costPerMsWaited', COST, d.costPerMsWaited, 'objective', issues);
  return {
    tolerance: tolerance ?? d.tolerance,
    costPerBidderCall: perCall ?? d.costPerBidderCall,
    costPerMsWaited: perMs ?? d.costPerMsWaited,
  };
}

function checkReconnect(raw: Raw, issues: Issue[]): ReconnectSpec {
  const d = DEFAULTS.reconnect;
  const at = 'reconnect';
  checkKeys(raw, RECONNECT_KEYS, at, issues);
  const initial = readNumber(raw, 'initialBackoffMs', BACKOFF_MS, d.initialBackoffMs, at, issues);
  const max = readNumber(raw, 'maxBackoffMs', BACKOFF_MS, d.maxBackoffMs, at, issues);
  const stable = readNumber(raw, 'stableMs', STABLE_MS, d.stableMs, at, issues);
  if (initial !== undefined && max !== undefined && max < initial) {
    issues.push(
      outOfOrder('reconnect.maxBackoffMs', `at least initialBackoffMs (${initial}) ${got(raw, 'maxBackoffMs', max)}`),
    );
  }
  return {
    initialBackoffMs: initial ?? d.initialBackoffMs,
    maxBackoffMs: max ?? d.maxBackoffMs,
    stableMs: stable ?? d.stableMs,
  };
}

/** The default name: the file's base name made safe, so `scenarios/tail test.json` runs as `tail-test`. */
function defaultName(source: string | undefined): string {
  return source === undefined ? DEFAULTS.name : toSafeName(basename(source, extname(source)));
}

/**
 * How a scenario is checked beyond its own fields: the limits on one process's work, over how many
 * segments and hosts it is shared, and whether the exchange's limits apply (limits.ts ProcessShare).
 */
export type CheckOptions = ProcessShare;

/**
 * Validates and fills defaults. `source` (the file) names the root in messages, gives the default name
 * and the folder the files a scenario names (latency measurements) are read from (else the working
 * directory).
 */
export function checkScenario(raw: unknown, source?: string, opts: CheckOptions = {}): ScenarioResult {
  const issues: Issue[] = [];
  if (!isRecord(raw)) {
    issues.push(mustBe(source ?? 'scenario', 'SCN_ERR_WRONG_TYPE', 'a JSON object', raw));
    return { ok: false, issues };
  }
  // First, and alone: everything after this (cloning, printing a value) may recurse into the input.
  const deep = tooDeepAt(raw, LIMITS.depth, '');
  if (deep !== undefined) return { ok: false, issues: [tooDeepIssue(deep)] };
  checkKeys(raw, TOP_KEYS, '', issues);
  const name = readSafeName(raw, 'name', defaultName(source), '', issues);
  const seed = readNumber(raw, 'seed', SEED, DEFAULTS.seed, '', issues);
  const mode = readEnum(raw, 'mode', ['live', 'virtual'], DEFAULTS.mode, '', issues);
  const loadRaw = readObject(raw, 'load', '', issues);
  const load = checkLoad(loadRaw ?? {}, source, loadRaw === undefined ? [] : issues);
  const auctionRaw = readObject(raw, 'auction', '', issues);
  const auction = checkAuction(auctionRaw ?? {}, auctionRaw === undefined ? [] : issues);
  const dir = source === undefined ? '.' : dirname(source);
  const bidders = checkBidders(raw.bidders, mode, issues, dir);
  // Each group's deadline against the auction's, once both read clean.
  if (issues.length === 0) checkGroupDeadlines(bidders, auction, issues);
  const thresholds = checkThresholds(raw.thresholds, issues);
  // Only sweeps read these two; absent, they stay absent (and the sweep's defaults apply).
  const repeats =
    raw.repeats === undefined ? undefined : readNumber(raw, 'repeats', integerIn(1, MAX_REPEATS), 1, '', issues);
  const objectiveRaw = raw.objective === undefined ? undefined : readObject(raw, 'objective', '', issues);
  const objective = objectiveRaw === undefined ? undefined : checkObjective(objectiveRaw, issues);
  const reconnectRaw = readObject(raw, 'reconnect', '', issues);
  const reconnect = checkReconnect(reconnectRaw ?? {}, reconnectRaw === undefined ? [] : issues);
  let network = fresh<LatencySpec>(DEFAULTS.network);
  if (raw.network !== undefined) network = checkLatency(raw.network, 'network', dir, issues);
  const requests = raw.requests === undefined ? undefined : checkRequests(raw.requests, dir, issues);
  const scenario: Scenario = {
    name: name ?? DEFAULTS.name,
    seed: seed ?? DEFAULTS.seed,
    mode: mode ?? DEFAULTS.mode,
    load,
    auction,
    bidders,
    thresholds,
    sweep: null,
    ...(repeats !== undefined && { repeats }),
    ...(objective !== undefined && { objective }),
    network,
    reconnect,
    ...(requests !== undefined && { requests }),
  };
  // What the fields ask of one process together (each is within its own bounds by now).
  if (issues.length === 0) issues.push(...processLimitIssues(scenario, opts));
  // Each sweep value is checked by validating the scenario with it applied, which needs a clean base.
  const baseOk = issues.length === 0;
  const validate = (cell: unknown): ScenarioResult => checkScenario(cell, source, opts);
  scenario.sweep = checkSweep(raw.sweep, baseOk ? scenario : undefined, validate, repeats ?? 1, issues);
  // A trace on a sweep axis is relative to the file, as load.trace is: resolved now, while the file is known.
  const traces = scenario.sweep?.['load.trace'];
  if (traces !== undefined) scenario.sweep!['load.trace'] = traces.map((v) => resolveTracePath(v, source));
  // So are latency files and recorded requests a sweep value names.
  if (scenario.sweep !== null) {
    for (const [key, values] of Object.entries(scenario.sweep)) {
      const resolved = values.map((v) => absoluteLatencyFiles(v, dir));
      scenario.sweep[key] =
        key === 'requests.file'
          ? resolved.map((v) => resolveTracePath(v, source))
          : key === 'requests'
            ? resolved.map((v) => (isRecord(v) ? { ...v, file: resolveTracePath(v.file, source) } : v))
            : resolved;
    }
  }
  return issues.length === 0 ? { ok: true, scenario: structuredClone(scenario) } : { ok: false, issues };
}
