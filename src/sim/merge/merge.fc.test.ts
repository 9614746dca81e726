// The merge is exact: one virtual run's events, split into k random parts as it runs (each auction's
// events to one part, each leaf's link events with the auctions around them), each part written as a
// run's folder, read back and merged, give the unsplit run's summary.json field by field — every
// count, rate, mean, percentile, revenue figure and threshold — apart from startedAt (and the
// `merged` note the merge adds). The split goes through a Proxy, so an observer event added later is
// split too, and a summary field the merge does not rebuild fails here.

import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExchangeObserver } from '../../exchange/exchange.js';
import { newHistogram } from '../../lib/histogram.js';
import { virtualHarness } from '../metrics/harness.js';
import { Metrics } from '../metrics/metrics.js';
import { buildSummary, type Summary } from '../metrics/summary.js';
import { evaluateThresholds } from '../metrics/thresholds.js';
import { writeReports } from '../report/write-reports.js';
import type { RunResult } from '../run/result.js';
import { leafInfos } from '../run/setup.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { validateScenario } from '../scenario/scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { runVirtual } from '../virtual/virtual-runner.js';
import { removeTempDirs, tempDir } from '../../../test/helpers/cli.js';
import { join } from 'node:path';
import { mergeRuns } from './merge-runs.js';
import { readRunFolder } from './read-run.js';

afterAll(removeTempDirs);

function scenario(raw: unknown): Scenario {
  const r = validateScenario(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

/** Timeouts and late answers, no-bids, malformed answers, dropped links, two impressions, thresholds. */
const RICH = scenario({
  name: 'split',
  mode: 'virtual',
  seed: 5,
  load: { rate: 300, durationSec: 2.5, warmupSec: 0.5 },
  auction: { tmaxMs: 60, impressions: 2, type: 'second-price' },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'lognormal', medianMs: 15, p99Ms: 80 }, bid: { rate: 0.7 } },
    {
      name: 'shaky',
      count: 2,
      latency: { model: 'uniform', minMs: 5, maxMs: 90 },
      faults: { timeout: 0.02, malformed: 0.03, disconnect: 0.01 },
    },
  ],
  thresholds: { 'latency.auction.p99': '<55', 'rates.timeout': '<0.2', 'bidders.fast-1.winRate': '>0.1' },
});

/** Adaptive timeouts, whose per-leaf deadline series each segment reads from its own exchange. */
const ADAPTIVE = scenario({
  name: 'split',
  mode: 'virtual',
  seed: 5,
  load: { rate: 250, durationSec: 3, warmupSec: 0.5, arrival: 'constant' },
  auction: { tmaxMs: 80, adaptive: { quantile: 0.9, marginMs: 5, windowSec: 1, minMs: 10 } },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'lognormal', medianMs: 10, p99Ms: 40 } },
    { name: 'slow', count: 1, latency: { model: 'lognormal', medianMs: 50, p99Ms: 150 } },
  ],
});

/** `ExchangeObserver`-shaped object whose every event goes to one of `parts`. */
function splitter(parts: readonly Metrics[], warmupEndMs: number, rng: () => number): ExchangeObserver {
  const partOf = new Map<string, number>();
  const linkPart = new Map<number, number>();
  let last = 0;
  const route = (name: string, args: unknown[]): number => {
    if (name === 'onLink') {
      const [leaf, up] = args as [number, boolean];
      if (!up) linkPart.set(leaf, last);
      return linkPart.get(leaf) ?? last;
    }
    const a = args.find(
      (x): x is { request: { id: string }; arrivalMs: number } =>
        typeof x === 'object' && x !== null && 'request' in x && 'arrivalMs' in x,
    );
    if (a === undefined) return last;
    let p = partOf.get(a.request.id);
    if (p === undefined) partOf.set(a.request.id, (p = Math.floor(rng() * parts.length)));
    // Events that name no auction go with the latest counted one, as a segment hears its own links.
    if (a.arrivalMs >= warmupEndMs) last = p;
    return p;
  };
  return new Proxy({} as ExchangeObserver, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return (...args: unknown[]): void => {
        const part = parts[route(name, args)] as unknown as Record<string, unknown>;
        const method = part[name];
        if (typeof method === 'function') (method as (...a: unknown[]) => void).apply(part, args);
      };
    },
  });
}

const withoutStart = (s: Summary): Omit<Summary, 'startedAt'> => {
  const { startedAt: _s, merged: _m, ...rest } = s;
  return rest;
};

function splitAndMerge(
  s: Scenario,
  k: number,
  seed: number,
  decorate?: (part: Summary, index: number) => void,
): { whole: Summary; merged: Summary } {
  const infos = leafInfos(expandLeaves(s));
  const parts = Array.from({ length: k }, () => new Metrics(infos));
  const warmupEndMs = s.load.warmupSec * 1000;
  for (const p of parts) p.begin(0, warmupEndMs);
  const r = runVirtual(s, { tap: splitter(parts, warmupEndMs, seedrandom(`split-${seed}`)) });
  const whole = r.summary;
  whole.thresholds = evaluateThresholds(whole, s.thresholds);
  const root = tempDir();
  const dirs = parts.map((m, index) => {
    m.end(r.window.toMs);
    const summary = buildSummary(m, {
      scenario: whole.scenario,
      seed: whole.seed,
      mode: whole.mode,
      startedAt: new Date(whole.startedAt),
      durationSec: whole.durationSec,
      partial: false,
      config: whole.config,
      eventLoopDelay: whole.latency.eventLoopDelay,
    });
    summary.harness = virtualHarness();
    // A segment reads its deadlines from its own exchange: here, as the whole run's exchange gave them.
    for (const [name, leaf] of Object.entries(whole.bidders))
      if (leaf.deadlineMs !== undefined) summary.bidders[name]!.deadlineMs = leaf.deadlineMs;
    summary.thresholds = evaluateThresholds(summary, s.thresholds);
    decorate?.(summary, index);
    const part: RunResult = {
      ...r,
      summary,
      metrics: m,
      hostStats: index === 0 ? r.hostStats : [],
      segment: { index, count: k },
      eventLoopDelay: newHistogram(),
    };
    const dir = join(root, `segment-${index}-of-${k}`);
    writeReports(dir, part);
    return dir;
  });
  const outcome = mergeRuns(dirs.map(readRunFolder));
  if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
  return { whole, merged: outcome.result.summary };
}

describe('npm run merge is exact', () => {
  it('k random parts of one run merge into its summary, field by field', () => {
    fc.assert(
      fc.property(fc.constantFrom(RICH, ADAPTIVE), fc.integer({ min: 1, max: 6 }), fc.nat(), (s, k, seed) => {
        const { whole, merged } = splitAndMerge(s, k, seed);
        expect(withoutStart(merged)).toEqual(withoutStart(whole));
        expect(merged.merged).toEqual({ runs: k, seeds: [s.seed], pooled: false, segments: { [s.seed]: k } });
      }),
      { numRuns: 16 },
    );
  }, 120_000);

  it("adds HTTP leaves' notice counts, which each part's links kept beside its metrics", () => {
    const [name] = Object.keys(splitAndMerge(RICH, 1, 1).whole.bidders);
    const { merged } = splitAndMerge(RICH, 3, 1, (part, i) => {
      part.bidders[name!]!.notices = { sent: 10 * (i + 1), failed: i, offOrigin: 2 };
    });
    expect(merged.bidders[name!]!.notices).toEqual({ sent: 60, failed: 3, offOrigin: 6 });
    expect(Object.values(merged.bidders).filter((b) => b.notices !== undefined)).toHaveLength(1);
  });

  it('the run it splits exercises what the merge must add', () => {
    const { whole } = splitAndMerge(RICH, 3, 1);
    expect(whole.bids.timedOut).toBeGreaterThan(0);
    expect(whole.bids.late).toBeGreaterThan(0);
    expect(whole.bids.noBid).toBeGreaterThan(0);
    expect(whole.bids.invalid).toBeGreaterThan(0);
    expect(whole.bids.lost).toBeGreaterThan(0);
    expect(Object.values(whole.bidders).some((b) => b.drops > 0 && b.disconnectedMs > 0)).toBe(true);
    expect(whole.thresholds.some((t) => !t.pass) && whole.thresholds.some((t) => t.pass)).toBe(true);
    // The adaptive scenario is no idle one: its slow leaf times out often.
    const adaptive = splitAndMerge(ADAPTIVE, 2, 1).whole;
    expect(adaptive.bidders['slow-1']!.timeoutRate).toBeGreaterThan(0.1);
    // And it has the per-leaf deadline series the merge averages over the parts.
    expect(adaptive.bidders['slow-1']!.deadlineMs!.ms.length).toBeGreaterThan(1);
  });
});
