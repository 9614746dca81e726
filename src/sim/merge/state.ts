// run-state.json: what `npm run merge` needs of a run beyond summary.json and histograms.hlog — the
// raw counters behind the summary, before any rounding or ratio, so that runs merge exactly: the
// merged counters are the unsplit run's, and the merged summary is built from them by buildSummary,
// the function every run's summary comes from. Counters are read from Metrics and LeafCounters field
// by field: numbers, and maps of numbers, with the rule of each in the tables below; a numeric field
// without a rule is added (the common case) and run-state.test.ts names it, so a new counter cannot
// go unnoticed. Histograms go to the log (hlog.ts), tagged by field.

import type { LeafHostStats } from '../../bidders/host.js';
import { decodeHistogram, type Histogram } from '../../lib/histogram.js';
import { RecordedHistogram } from '../../lib/histogram-recorder.js';
import { Metrics, type LeafCounters, type LeafInfo, type SecondBucket } from '../metrics/metrics.js';
import type { Segment } from '../run/arrivals.js';
import type { MeasuredWindow } from '../run/result.js';

export const STATE_FILE = 'run-state.json';
export const STATE_FORMAT = 'rtb-sim run state 1';

/** How a field merges: `sum` adds, `max` takes the largest, `state` is the run's own bookkeeping (not kept). */
export type Rule = 'sum' | 'max' | 'state';

/** Metrics' fields (metrics.ts). */
export const METRICS_RULES: Readonly<Record<string, Rule>> = {
  auctions: 'sum',
  filled: 'sum',
  skippedAuctions: 'sum',
  impressions: 'sum',
  impressionsSold: 'sum',
  clearingMicros: 'sum',
  closedAll: 'sum',
  warmupEndMs: 'state',
  originMs: 'state',
  // Bookkeeping of the links' downtime while the run goes (Metrics.arrived): settled in downMs.
  latestArrivalMs: 'state',
  pendingUntilMs: 'state',
};

/** LeafCounters' fields (metrics.ts). */
export const LEAF_RULES: Readonly<Record<string, Rule>> = {
  sent: 'sum',
  onTime: 'sum',
  noBid: 'sum',
  invalid: 'sum',
  timedOut: 'sum',
  lost: 'sum',
  late: 'sum',
  wins: 'sum',
  bids: 'sum',
  spendMicros: 'sum',
  stray: 'sum',
  drops: 'sum',
  downMs: 'sum',
  downSince: 'state',
  downSettledMs: 'state',
  // Requests not sent to the leaf, by why (fan-out policies, issue 16): each segment's own, added.
  skipped: 'sum',
  throttled: 'sum',
  capped: 'sum',
  belowFloor: 'sum',
  secondaryCut: 'sum',
};

/** SecondBucket's fields: seconds from each run's start, added second by second. */
export const SECOND_RULES: Readonly<Record<string, Rule>> = {
  auctions: 'sum',
  timedOut: 'sum',
  sent: 'sum',
  latencySumMs: 'sum',
  maxLatencyMs: 'max',
};

/** The bidder host's per-leaf counts (its histograms go to the log). */
export const HOST_RULES: Readonly<Record<string, Rule>> = {
  requests: 'sum',
  wins: 'sum',
  losses: 'sum',
  badRequests: 'sum',
  slowReaders: 'sum',
  // A leaf with a capacity (src/bidders/capacity.ts): requests that waited, and the two refusals.
  queued: 'sum',
  busy: 'sum',
  tooLate: 'sum',
};

type MapEntries = Array<[string | number, number]>;

/** An object's numbers and maps of numbers, as they merge. */
export interface Counters {
  numbers: Record<string, number>;
  maps: Record<string, MapEntries>;
}

export interface LeafState extends Counters {
  name: string;
  group: string;
}

export interface HostLeafState {
  name: string;
  numbers: Record<string, number>;
}

export interface RunState {
  format: typeof STATE_FORMAT;
  segment: Segment;
  window: MeasuredWindow;
  metrics: Counters;
  seconds: Array<Record<string, number>>;
  leaves: LeafState[];
  /** Per leaf, what the run's bidder host counted (empty when the host was outside the run). */
  hosts: HostLeafState[];
}

export const ruleOf = (rules: Readonly<Record<string, Rule>>, field: string): Rule => rules[field] ?? 'sum';

function isNumberMap(v: unknown): v is Map<string | number, number> {
  if (!(v instanceof Map)) return false;
  for (const x of v.values()) if (typeof x !== 'number') return false;
  return true;
}

/** The fields of `o` that merge: its numbers (but `state` ones) and its maps of numbers. */
export function countersOf(o: object, rules: Readonly<Record<string, Rule>>): Counters {
  const numbers: Record<string, number> = {};
  const maps: Record<string, MapEntries> = {};
  for (const [field, v] of Object.entries(o)) {
    if (typeof v === 'number') {
      if (ruleOf(rules, field) !== 'state') numbers[field] = v;
    } else if (isNumberMap(v)) {
      maps[field] = [...v.entries()];
    }
  }
  return { numbers, maps };
}

/** Whether `v` is one of our histograms (hdr-histogram-js's), or a recorder in front of one. */
function histogramOf(v: unknown): Histogram | null {
  if (v instanceof RecordedHistogram) return v.histogram;
  if (typeof v === 'object' && v !== null && 'totalCount' in v && 'getValueAtPercentile' in v && 'add' in v)
    return v as Histogram;
  return null;
}

/** The histograms among `o`'s fields, by field name. */
export function histogramsOf(o: object): Array<[string, Histogram]> {
  const out: Array<[string, Histogram]> = [];
  for (const [field, v] of Object.entries(o)) {
    const h = histogramOf(v);
    if (h !== null) out.push([field, h]);
  }
  return out;
}

export function runState(
  m: Metrics,
  hostStats: readonly LeafHostStats[],
  segment: Segment,
  window: MeasuredWindow,
): RunState {
  return {
    format: STATE_FORMAT,
    segment: { ...segment },
    window: { ...window },
    metrics: countersOf(m, METRICS_RULES),
    seconds: m.seconds.map((b) => ({ ...b })),
    leaves: m.leaves.map((c) => ({ name: c.info.name, group: c.info.group, ...countersOf(c, LEAF_RULES) })),
    hosts: hostStats.map((h) => ({ name: h.name, numbers: countersOf(h, HOST_RULES).numbers })),
  };
}

function addNumbers(into: Record<string, number>, from: Record<string, number>, rules: Readonly<Record<string, Rule>>) {
  for (const [field, v] of Object.entries(from)) {
    const had = into[field];
    if (had === undefined) into[field] = v;
    else into[field] = ruleOf(rules, field) === 'max' ? Math.max(had, v) : had + v;
  }
}

function addCounters(into: Counters, from: Counters, rules: Readonly<Record<string, Rule>>): void {
  addNumbers(into.numbers, from.numbers, rules);
  for (const [field, entries] of Object.entries(from.maps)) {
    const target = new Map(into.maps[field] ?? []);
    for (const [k, v] of entries) target.set(k, (target.get(k) ?? 0) + v);
    into.maps[field] = [...target];
  }
}

const copyCounters = (c: Counters): Counters => ({
  numbers: { ...c.numbers },
  maps: Object.fromEntries(Object.entries(c.maps).map(([k, v]) => [k, v.map(([a, b]) => [a, b])])),
});

/** The counters of several runs of the same leaves added by their rules (the windows are the caller's). */
export function addStates(states: readonly RunState[]): Omit<RunState, 'segment' | 'window' | 'format'> {
  const [first, ...rest] = states;
  if (first === undefined) throw new Error('no run to merge');
  const metrics = copyCounters(first.metrics);
  const seconds = first.seconds.map((b) => ({ ...b }));
  const leaves = first.leaves.map((l) => ({ name: l.name, group: l.group, ...copyCounters(l) }));
  const hosts = new Map(first.hosts.map((h) => [h.name, { name: h.name, numbers: { ...h.numbers } }]));
  for (const s of rest) {
    addCounters(metrics, s.metrics, METRICS_RULES);
    s.seconds.forEach((b, i) => {
      const into = seconds[i];
      if (into === undefined) seconds[i] = { ...b };
      else addNumbers(into, b, SECOND_RULES);
    });
    s.leaves.forEach((l, i) => addCounters(leaves[i]!, l, LEAF_RULES));
    for (const h of s.hosts) {
      const into = hosts.get(h.name);
      if (into === undefined) hosts.set(h.name, { name: h.name, numbers: { ...h.numbers } });
      else addNumbers(into.numbers, h.numbers, HOST_RULES);
    }
  }
  return { metrics, seconds, leaves, hosts: [...hosts.values()] };
}

function assign(target: object, c: Counters): void {
  const t = target as Record<string, unknown>;
  for (const [field, v] of Object.entries(c.numbers)) if (typeof t[field] === 'number') t[field] = v;
  for (const [field, entries] of Object.entries(c.maps)) {
    const map = t[field];
    if (map instanceof Map) for (const [k, v] of entries) map.set(k, v);
  }
}

/**
 * A Metrics holding `state`'s counters and the histograms of `histograms` (tag → histogram, tagged
 * as runHistograms tags them): what buildSummary and the reports read, as if one run had counted it all.
 */
export function restoreMetrics(
  state: Omit<RunState, 'format' | 'segment' | 'window'>,
  histograms: Map<string, Histogram>,
): Metrics {
  const infos: LeafInfo[] = state.leaves.map((l) => ({ name: l.name, group: l.group }));
  const m = new Metrics(infos);
  assign(m, state.metrics);
  for (const [field, h] of histogramsOf(m)) {
    const from = histograms.get(metricsTag(field));
    if (from !== undefined) h.add(from);
  }
  m.seconds.push(...state.seconds.map((b) => ({ ...b }) as unknown as SecondBucket));
  state.leaves.forEach((l, i) => {
    const c: LeafCounters = m.leaves[i]!;
    assign(c, l);
    for (const [field, h] of histogramsOf(c)) {
      const from = histograms.get(leafTag(field, l.name));
      if (from !== undefined) h.add(from);
    }
  });
  return m;
}

export const metricsTag = (field: string): string => `metrics.${field}`;
export const leafTag = (field: string, leaf: string): string => `leaf.${field}.${encodeURIComponent(leaf)}`;
export const hostTag = (field: string, leaf: string): string => `host.${field}.${encodeURIComponent(leaf)}`;
export const EVENT_LOOP_TAG = 'exchange.eventLoopDelay';

/**
 * Every histogram of a run with its tag in histograms.hlog: Metrics' (`metrics.<field>`), each leaf's
 * (`leaf.<field>.<leaf>`), the exchange's event-loop delay, and what the bidder host applied and how
 * late its timers were per leaf (`host.delays.<leaf>`, `host.lateness.<leaf>`).
 */
export function runHistograms(
  m: Metrics,
  eventLoopDelay: Histogram,
  hostStats: readonly LeafHostStats[],
): Array<[string, Histogram]> {
  const out: Array<[string, Histogram]> = histogramsOf(m).map(([field, h]) => [metricsTag(field), h]);
  for (const c of m.leaves) for (const [field, h] of histogramsOf(c)) out.push([leafTag(field, c.info.name), h]);
  out.push([EVENT_LOOP_TAG, eventLoopDelay]);
  for (const st of hostStats) {
    out.push([hostTag('delays', st.name), decodeHistogram(st.delays)]);
    if (st.lateness !== undefined) out.push([hostTag('lateness', st.name), decodeHistogram(st.lateness)]);
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** What is wrong with `raw` as a run-state.json, one line a field; a RunState when nothing is. */
export function parseRunState(raw: unknown): RunState | string[] {
  const problems: string[] = [];
  const need = (ok: boolean, path: string, what: string, got: unknown): void => {
    if (!ok) problems.push(`${path}: must be ${what} (got ${JSON.stringify(got)?.slice(0, 60)})`);
  };
  if (!isRecord(raw)) return ['must be an object'];
  need(raw.format === STATE_FORMAT, 'format', JSON.stringify(STATE_FORMAT), raw.format);
  const seg = raw.segment;
  need(
    isRecord(seg) && isCount(seg.count) && seg.count >= 1 && isCount(seg.index) && seg.index < seg.count,
    'segment',
    '{ index, count } with 0 <= index < count',
    seg,
  );
  const w = raw.window;
  need(
    isRecord(w) &&
      (w.timeline === 'epoch' || w.timeline === 'virtual') &&
      Number.isFinite(w.fromMs) &&
      Number.isFinite(w.toMs),
    'window',
    '{ timeline: "epoch" | "virtual", fromMs, toMs }',
    w,
  );
  const numbers = (v: unknown, path: string): void => {
    need(isRecord(v) && Object.values(v).every((x) => Number.isFinite(x)), path, 'an object of numbers', v);
  };
  const counters = (v: unknown, path: string): void => {
    if (!isRecord(v)) return need(false, path, 'an object', v);
    numbers(v.numbers, `${path}.numbers`);
    const maps = v.maps;
    need(
      isRecord(maps) &&
        Object.values(maps).every(
          (m) =>
            Array.isArray(m) &&
            m.every(
              (e) =>
                Array.isArray(e) &&
                e.length === 2 &&
                (typeof e[0] === 'string' || typeof e[0] === 'number') &&
                Number.isFinite(e[1]),
            ),
        ),
      `${path}.maps`,
      'an object of [key, number] lists',
      maps,
    );
  };
  counters(raw.metrics, 'metrics');
  if (Array.isArray(raw.seconds)) raw.seconds.forEach((b, i) => numbers(b, `seconds[${i}]`));
  else need(false, 'seconds', 'a list', raw.seconds);
  if (Array.isArray(raw.leaves))
    raw.leaves.forEach((l, i) => {
      const at = `leaves[${i}]`;
      need(isRecord(l) && typeof l.name === 'string' && typeof l.group === 'string', at, '{ name, group, … }', l);
      counters(l, at);
    });
  else need(false, 'leaves', 'a list', raw.leaves);
  if (Array.isArray(raw.hosts))
    raw.hosts.forEach((h, i) => {
      need(isRecord(h) && typeof h.name === 'string', `hosts[${i}]`, '{ name, numbers }', h);
      if (isRecord(h)) numbers(h.numbers, `hosts[${i}].numbers`);
    });
  else need(false, 'hosts', 'a list', raw.hosts);
  // Every field was checked above: the shape is RunState's.
  return problems.length > 0 ? problems : (raw as unknown as RunState);
}
