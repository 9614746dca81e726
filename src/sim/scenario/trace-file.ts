// Trace files (`"arrival": "trace"`, `"trace": "FILE"`): one arrival offset a line, in milliseconds
// from the start of the run, each at least the one before (two arrivals in the same millisecond are
// common in a log); blank lines and lines starting with `#` are skipped. parseTrace is pure; readTrace
// and traceFileIssues read the file, at the edge, so a bad trace stops the run before anything starts.

import { issue, type Issue } from '../../lib/issues.js';
import { readTextUpTo } from './bounded-read.js';
import { LIMITS } from './limits.js';
import type { Scenario } from './schema.js';

export type TraceResult = { ok: true; offsets: Float64Array } | { ok: false; issue: Issue };

/** A plain decimal: no hex, no Infinity, no empty string (all of which Number() would take). */
const DECIMAL = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** The latest offset: the longest run, so every timer a replay sets stays below Node's 2^31 ms. */
const MAX_OFFSET_MS = LIMITS.durationSec * 1000;
const AT = 'load.trace';

/** The offsets in `text`, or the first problem with its line number; `file` names the file in messages. */
export function parseTrace(text: string, file: string): TraceResult {
  const out: number[] = [];
  let line = 0;
  let previous = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const entry = text.slice(start, end).trim();
    start = end + 1;
    if (entry === '' || entry.startsWith('#')) continue;
    const at = `line ${line} of ${file}`;
    if (!DECIMAL.test(entry)) {
      const message = `${at}: must be an offset in ms, a number >= 0 (got ${JSON.stringify(entry.slice(0, 40))})`;
      return { ok: false, issue: issue(AT, 'SCN_ERR_NOT_A_NUMBER', message) };
    }
    const ms = Number(entry);
    if (ms > MAX_OFFSET_MS) {
      const message = `${at}: must be at most ${MAX_OFFSET_MS} ms, the longest run (got ${entry})`;
      return { ok: false, issue: issue(AT, 'SCN_ERR_OUT_OF_RANGE', message) };
    }
    if (ms < previous) {
      const message = `${at}: must be at least the offset before it (${previous}): offsets only increase (got ${entry})`;
      return { ok: false, issue: issue(AT, 'SCN_ERR_ORDER', message) };
    }
    if (out.length >= LIMITS.traceArrivals) {
      const message = `${at}: must hold at most ${LIMITS.traceArrivals.toLocaleString('en-US')} offsets, the limit`;
      return { ok: false, issue: issue(AT, 'SCN_ERR_TOO_LARGE', message) };
    }
    out.push(ms);
    previous = ms;
  }
  if (out.length === 0) {
    return { ok: false, issue: issue(AT, 'SCN_ERR_EMPTY', `${file}: must hold at least one offset (got none)`) };
  }
  return { ok: true, offsets: Float64Array.from(out) };
}

/** The offsets of the trace file at `path`, or what is wrong with it (missing, too large, malformed). */
export function readTrace(path: string): TraceResult {
  const read = readTextUpTo(path, LIMITS.traceBytes, '64 MiB');
  if (!read.ok) return { ok: false, issue: issue(AT, read.code, `${path}: ${read.message}`) };
  return parseTrace(read.text, path);
}

/** The most arrivals within any `windowMs` of sorted `offsets`: the auctions a deadline keeps open. */
function busiestWindow(offsets: Float64Array, windowMs: number): number {
  let most = 0;
  for (let lo = 0, hi = 0; hi < offsets.length; hi++) {
    while ((offsets[hi] as number) - (offsets[lo] as number) >= windowMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/**
 * What is wrong with the trace file a valid scenario replays: nothing when it replays none. Besides the
 * file itself, its busiest tmaxMs holds the requests in flight to LIMITS.inFlightRequests, as `rate`
 * does for the other arrivals.
 */
export function traceFileIssues(s: Scenario): Issue[] {
  if (s.load.arrival !== 'trace' || s.load.trace === null || s.load.trace === undefined) return [];
  const read = readTrace(s.load.trace);
  if (!read.ok) return [read.issue];
  const leaves = s.bidders.reduce((n, g) => n + ('url' in g ? 1 : g.count), 0);
  const inFlight = busiestWindow(read.offsets, s.auction.tmaxMs) * leaves;
  if (inFlight <= LIMITS.inFlightRequests) return [];
  const message =
    `the busiest tmaxMs of the trace × leaves, the requests in flight at once, must be at most ` +
    `${LIMITS.inFlightRequests.toLocaleString('en-US')} (got ${inFlight.toLocaleString('en-US')})`;
  return [issue(AT, 'SCN_ERR_TOO_LARGE', message)];
}
