// `npm run merge`: several runs' folders added up into one run, exactly. The counters of
// run-state.json add by their rules (state.ts) and the histograms of histograms.hlog add tag by tag;
// the summary is then built from them by buildSummary, as a single run's is, so every rate, mean and
// percentile is recomputed from the whole rather than averaged. What merges: the segments of one run
// (same scenario and seed, every segment of N once), and repeats of one scenario under different seeds
// (each a whole run or all of its segments), which are pooled and said to be. Anything else that
// differs is refused, naming the fields. Pure: the command line reads the folders and writes the reports.

import type { LeafHostStats } from '../../bidders/host.js';
import { encodeHistogram, newHistogram, type Histogram } from '../../lib/histogram.js';
import { settingsThatDiffer } from '../compare/compare.js';
import { groupGap, virtualHarness } from '../metrics/harness.js';
import type { GroupGap, HarnessSummary, HarnessVerdict } from '../metrics/harness-types.js';
import { accountingErrors, buildSummary, percentiles, type MergedInfo, type Summary } from '../metrics/summary.js';
import { evaluateThresholds } from '../metrics/thresholds.js';
import { WHOLE_RUN } from '../run/arrivals.js';
import type { MeasuredWindow, RunResult } from '../run/result.js';
import type { Scenario } from '../scenario/schema.js';
import { addStates, EVENT_LOOP_TAG, hostTag, leafTag, restoreMetrics, type RunState } from './state.js';

/** One run's folder as the merge reads it. */
export interface RunPart {
  /** Where it came from, for messages. */
  dir: string;
  summary: Summary;
  scenario: Scenario;
  state: RunState;
  histograms: Map<string, Histogram>;
}

/**
 * The merged run; or why not: `refused`, runs that do not merge (bad input), or `broken`, a merge
 * whose accounting does not add up.
 */
export type MergeOutcome =
  { ok: true; result: RunResult } | { ok: false; kind: 'refused' | 'broken'; problems: string[] };

const shown = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));

/** The settings in which the parts differ from the first, the seed aside, as `path (a vs b)`. */
function differences(parts: readonly RunPart[]): string[] {
  const [first, ...rest] = parts;
  const out = new Map<string, Set<string>>();
  const note = (path: string, a: unknown, b: unknown): void => {
    let seen = out.get(path);
    if (seen === undefined) out.set(path, (seen = new Set([shown(a)])));
    seen.add(shown(b));
  };
  for (const p of rest) {
    for (const d of settingsThatDiffer({ ...first!.scenario, seed: 0 }, { ...p.scenario, seed: 0 }))
      note(d.path, d.a, d.b);
    if (p.summary.mode !== first!.summary.mode) note('mode', first!.summary.mode, p.summary.mode);
    for (const field of ['name', 'version', 'commit'] as const) {
      const a = first!.summary.tool?.[field];
      const b = p.summary.tool?.[field];
      if (a !== b) note(`tool.${field}`, a, b);
    }
    const leaves = (s: RunState): string => s.leaves.map((l) => `${l.group}/${l.name}`).join(',');
    if (leaves(p.state) !== leaves(first!.state)) note('leaves', leaves(first!.state), leaves(p.state));
    if (p.state.window.timeline !== first!.state.window.timeline)
      note('window.timeline', first!.state.window.timeline, p.state.window.timeline);
  }
  return [...out].map(([path, values]) => `${path} (${[...values].join(' vs ')})`);
}

/** Per seed, its parts must be every segment of one N, each once. */
function segmentProblems(bySeed: Map<number, RunPart[]>): string[] {
  const problems: string[] = [];
  for (const [seed, parts] of bySeed) {
    const counts = [...new Set(parts.map((p) => p.state.segment.count))];
    if (counts.length > 1) {
      problems.push(
        `seed ${seed}: segments of ${counts.join(' and of ')} mixed (${parts.map((p) => p.dir).join(', ')})`,
      );
      continue;
    }
    const n = counts[0]!;
    const at = new Map<number, string[]>();
    for (const p of parts) at.set(p.state.segment.index, [...(at.get(p.state.segment.index) ?? []), p.dir]);
    for (let i = 0; i < n; i++) {
      const dirs = at.get(i) ?? [];
      const what = n === 1 ? 'the run' : `segment ${i} of ${n}`;
      if (dirs.length === 0) problems.push(`seed ${seed}: ${what} is missing`);
      if (dirs.length > 1) problems.push(`seed ${seed}: ${what} is given ${dirs.length} times (${dirs.join(', ')})`);
    }
  }
  return problems;
}

/** The length of the union of [fromMs, toMs] spans, in ms. */
export function coveredMs(windows: readonly MeasuredWindow[]): number {
  const spans = windows.map((w) => [w.fromMs, Math.max(w.fromMs, w.toMs)] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

function addInto(into: Map<string, Histogram>, from: Map<string, Histogram>): void {
  for (const [tag, h] of from) {
    let to = into.get(tag);
    if (to === undefined) into.set(tag, (to = newHistogram()));
    to.add(h);
  }
}

const RANK: Record<HarnessVerdict, number> = { ok: 0, degraded: 1, invalid: 2 };
const unique = (xs: string[]): string[] => [...new Set(xs)];

/**
 * The harness of the whole: the worst verdict of the parts, their reasons, polluted figures and advice
 * each once, their checks and processes side by side; the host's lateness and each group's gap are
 * recomputed from the merged histograms. Virtual time's is virtual time's.
 */
function mergedHarness(
  parts: readonly RunPart[],
  histograms: Map<string, Histogram>,
  groups: Map<string, string[]>,
  tmaxMs: number,
): HarnessSummary | undefined {
  const harnesses = parts.map((p) => p.summary.harness);
  if (harnesses.some((h) => h === undefined)) return undefined;
  const hs = harnesses as HarnessSummary[];
  if (parts[0]!.summary.mode === 'virtual') return virtualHarness();
  const verdict = hs.reduce<HarnessVerdict>((w, h) => (RANK[h.verdict] > RANK[w] ? h.verdict : w), 'ok');
  const lateness = newHistogram();
  const gaps: Record<string, GroupGap> = {};
  for (const [group, leaves] of groups) {
    const measured = newHistogram();
    const applied = newHistogram();
    let hosted = false;
    for (const leaf of leaves) {
      const m = histograms.get(leafTag('responses', leaf));
      if (m !== undefined) measured.add(m);
      const a = histograms.get(hostTag('delays', leaf));
      if (a !== undefined) {
        applied.add(a);
        hosted = true;
      }
      const l = histograms.get(hostTag('lateness', leaf));
      if (l !== undefined) lateness.add(l);
    }
    if (hosted) gaps[group] = groupGap(measured, applied, tmaxMs);
  }
  return {
    verdict,
    reasons: unique(hs.flatMap((h) => h.reasons)),
    polluted: unique(hs.flatMap((h) => h.polluted)),
    advice: unique(hs.flatMap((h) => h.advice)),
    checks: hs.flatMap((h) => h.checks),
    processes: hs.flatMap((h) => h.processes),
    hostLateness: lateness.totalCount > 0 ? percentiles(lateness) : null,
    groups: gaps,
  };
}

/** The bidder host's per-leaf stats of the whole, from the merged counts and histograms. */
function mergedHostStats(hosts: RunState['hosts'], histograms: Map<string, Histogram>): LeafHostStats[] {
  return hosts.map((h) => {
    const n = (field: string): number => h.numbers[field] ?? 0;
    const st: LeafHostStats = {
      name: h.name,
      requests: n('requests'),
      wins: n('wins'),
      losses: n('losses'),
      badRequests: n('badRequests'),
      delays: encodeHistogram(histograms.get(hostTag('delays', h.name)) ?? newHistogram()),
    };
    const late = histograms.get(hostTag('lateness', h.name));
    if (late !== undefined) st.lateness = encodeHistogram(late);
    for (const field of ['slowReaders', 'queued', 'busy', 'tooLate'] as const)
      if (h.numbers[field] !== undefined) st[field] = n(field);
    return st;
  });
}

/** The checks a merged summary must pass again: the accounting, and the invariants a summary shows. */
function mergedErrors(s: Summary, parts: readonly RunPart[], clearingSum: number): string[] {
  const errors = accountingErrors(s, s.config.leaves);
  const expected = clearingSum / 1000;
  const leaves = Object.values(s.bidders);
  const tolerance = 1e-6 * (leaves.length + 2);
  if (Math.abs(s.revenue.total - expected) > tolerance)
    errors.push(`revenue.total ${s.revenue.total} != sum of clearing prices ${expected}`);
  const spend = leaves.reduce((t, l) => t + l.spend, 0);
  if (Math.abs(spend - expected) > tolerance)
    errors.push(`sum of bidders' spend ${spend} != sum of clearing prices ${expected}`);
  for (const p of parts)
    if (p.summary.latency.overshoot.max > s.latency.overshoot.max)
      errors.push(
        `${p.dir}: overshoot max ${p.summary.latency.overshoot.max} ms above the merged ${s.latency.overshoot.max} ms`,
      );
  return errors;
}

/**
 * HTTP leaves' notice counts (what became of their nurl/lurl/burl) are the links' own, kept beside
 * the metrics (live-runner.ts): each part counted its own notices, so they add.
 */
function mergeNotices(summary: Summary, parts: readonly RunPart[]): void {
  for (const [name, b] of Object.entries(summary.bidders)) {
    let total: NonNullable<Summary['bidders'][string]['notices']> | undefined;
    for (const p of parts) {
      const n = Object.hasOwn(p.summary.bidders, name) ? p.summary.bidders[name]!.notices : undefined;
      if (n === undefined) continue;
      total ??= { sent: 0, failed: 0, offOrigin: 0 };
      total.sent += n.sent;
      total.failed += n.failed;
      total.offOrigin += n.offOrigin;
    }
    if (total !== undefined) b.notices = total;
  }
}
/**
 * Each leaf's enforced deadline over the run (adaptive timeouts): not a count but a reading of each
 * part's own controller, so the parts' mean, point by point, over the points their series share.
 */
function mergeDeadlines(summary: Summary, parts: readonly RunPart[]): void {
  for (const [name, leaf] of Object.entries(summary.bidders)) {
    const series = parts.flatMap((p) => {
      const d = Object.hasOwn(p.summary.bidders, name) ? p.summary.bidders[name]!.deadlineMs : undefined;
      return d === undefined ? [] : [d];
    });
    const first = series[0];
    if (first === undefined) continue;
    const alike = series.filter((s) => s.fromSec === first.fromSec && s.stepSec === first.stepSec);
    const points = Math.min(...alike.map((s) => s.ms.length));
    const ms = Array.from({ length: points }, (_, i) => {
      const mean = alike.reduce((t, s) => t + s.ms[i]!, 0) / alike.length;
      return Math.round(mean * 100) / 100;
    });
    leaf.deadlineMs = { fromSec: first.fromSec, stepSec: first.stepSec, ms };
  }
}

/** The parts merged into one run, or the problems that refuse it. */
export function mergeRuns(parts: readonly RunPart[]): MergeOutcome {
  if (parts.length === 0) return { ok: false, kind: 'refused', problems: ['no runs to merge'] };
  const differ = differences(parts);
  if (differ.length > 0) return { ok: false, kind: 'refused', problems: [`the runs differ in: ${differ.join('; ')}`] };
  const bySeed = new Map<number, RunPart[]>();
  for (const p of parts) bySeed.set(p.summary.seed, [...(bySeed.get(p.summary.seed) ?? []), p]);
  const segmented = segmentProblems(bySeed);
  if (segmented.length > 0) return { ok: false, kind: 'refused', problems: segmented };

  const first = parts[0]!;
  const sum = addStates(parts.map((p) => p.state));
  const histograms = new Map<string, Histogram>();
  for (const p of parts) addInto(histograms, p.histograms);
  const metrics = restoreMetrics(sum, histograms);
  // Segments of one run share its time: the span their windows cover. Repeats are runs of their own: added.
  let spanMs = 0;
  for (const group of bySeed.values()) spanMs += coveredMs(group.map((p) => p.state.window));
  const seeds = [...bySeed.keys()].sort((a, b) => a - b);
  const startedAt = new Date(Math.min(...parts.map((p) => Date.parse(p.summary.startedAt))));
  const eventLoopDelay = histograms.get(EVENT_LOOP_TAG) ?? newHistogram();
  const summary = buildSummary(metrics, {
    scenario: first.summary.scenario,
    seed: seeds[0]!,
    mode: first.summary.mode,
    startedAt,
    durationSec: spanMs / 1000,
    partial: parts.some((p) => p.summary.partial),
    config: first.summary.config,
    eventLoopDelay: percentiles(eventLoopDelay),
  });
  mergeDeadlines(summary, parts);
  mergeNotices(summary, parts);
  const groups = new Map<string, string[]>();
  for (const l of sum.leaves) groups.set(l.group, [...(groups.get(l.group) ?? []), l.name]);
  const harness = mergedHarness(parts, histograms, groups, first.scenario.auction.tmaxMs);
  if (harness !== undefined) summary.harness = harness;
  const scenario: Scenario = { ...first.scenario, seed: seeds[0]! };
  summary.thresholds = evaluateThresholds(summary, scenario.thresholds);
  if (first.summary.tool !== undefined) {
    const dirty = parts.map((p) => p.summary.tool?.dirty ?? null);
    summary.tool = {
      ...first.summary.tool,
      dirty: dirty.includes(true) ? true : dirty.includes(null) ? null : false,
    };
  }
  const errors = mergedErrors(summary, parts, metrics.clearingSum);
  if (errors.length > 0) return { ok: false, kind: 'broken', problems: errors };
  summary.merged = {
    runs: parts.length,
    seeds,
    pooled: seeds.length > 1,
    segments: Object.fromEntries([...bySeed].map(([seed, ps]) => [String(seed), ps[0]!.state.segment.count])),
  } satisfies MergedInfo;
  const windows = parts.map((p) => p.state.window);
  const result: RunResult = {
    scenario,
    summary,
    metrics,
    hostStats: mergedHostStats(sum.hosts, histograms),
    stoppedBy: summary.partial ? 'signal' : null,
    message: null,
    invariantViolations: [],
    segment: WHOLE_RUN,
    window: {
      timeline: first.state.window.timeline,
      fromMs: Math.min(...windows.map((w) => w.fromMs)),
      toMs: Math.max(...windows.map((w) => w.toMs)),
    },
    eventLoopDelay,
  };
  return { ok: true, result };
}
