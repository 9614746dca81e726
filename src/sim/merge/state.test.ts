import { describe, expect, it } from 'vitest';
import { LeafCounters, Metrics } from '../metrics/metrics.js';
import { buildSummary } from '../metrics/summary.js';
import { readHlog, hlogText } from '../report/hlog.js';
import { validateScenario } from '../scenario/scenario.js';
import { runVirtual } from '../virtual/virtual-runner.js';
import {
  addStates,
  LEAF_RULES,
  METRICS_RULES,
  restoreMetrics,
  runHistograms,
  runState,
  SECOND_RULES,
  type Rule,
} from './state.js';

/** The numeric fields of `o` that have no rule of their own (they would be added). */
function withoutRule(o: object, rules: Readonly<Record<string, Rule>>): string[] {
  return Object.entries(o)
    .filter(([field, v]) => typeof v === 'number' && !(field in rules))
    .map(([field]) => field);
}

describe('run-state counters', () => {
  it('every numeric field of Metrics, LeafCounters and SecondBucket has an explicit merge rule', () => {
    // A counter added to metrics.ts needs its row in state.ts: `sum` is assumed otherwise.
    expect(withoutRule(new Metrics([{ name: 'a', group: 'g' }]), METRICS_RULES)).toEqual([]);
    expect(withoutRule(new LeafCounters({ name: 'a', group: 'g' }), LEAF_RULES)).toEqual([]);
    const m = new Metrics([{ name: 'a', group: 'g' }]);
    m.begin(0, 0);
    expect(m.seconds).toEqual([]);
    const bucket = { auctions: 0, timedOut: 0, sent: 0, latencySumMs: 0, maxLatencyMs: 0 };
    expect(withoutRule(bucket, SECOND_RULES)).toEqual([]);
  });

  it("restores a run's metrics from its state and log: the same summary, field by field", () => {
    const s = validateScenario({
      name: 'restore',
      mode: 'virtual',
      load: { rate: 400, durationSec: 3, warmupSec: 0.5 },
      auction: { tmaxMs: 60, impressions: 2 },
      bidders: [
        { name: 'a', count: 2, latency: { model: 'lognormal', medianMs: 20, p99Ms: 90 }, bid: { rate: 0.8 } },
        { name: 'b', count: 1, latency: { model: 'constant', ms: 70 } },
      ],
    });
    if (!s.ok) throw new Error(JSON.stringify(s.issues));
    const r = runVirtual(s.scenario);
    const state = JSON.parse(JSON.stringify(runState(r.metrics, r.hostStats, r.segment, r.window))) as ReturnType<
      typeof runState
    >;
    const log = hlogText(runHistograms(r.metrics, r.eventLoopDelay, r.hostStats), {
      startEpochMs: 0,
      fromSec: 0,
      toSec: 3,
    });
    const m = restoreMetrics(addStates([state]), readHlog(log));
    const again = buildSummary(m, {
      scenario: r.summary.scenario,
      seed: r.summary.seed,
      mode: 'virtual',
      startedAt: new Date(r.summary.startedAt),
      durationSec: (r.window.toMs - r.window.fromMs) / 1000,
      partial: false,
      config: r.summary.config,
      eventLoopDelay: r.summary.latency.eventLoopDelay,
    });
    const { harness: _h, thresholds: _t, ...whole } = r.summary;
    expect({ ...again, thresholds: undefined }).toEqual({ ...whole, thresholds: undefined });
    expect(m.seconds).toEqual(r.metrics.seconds);
    expect(r.summary.auctions.total).toBeGreaterThan(900);
  });

  it('adds two states by their rules', () => {
    const a = runState(
      new Metrics([{ name: 'x', group: 'g' }]),
      [],
      { index: 0, count: 2 },
      {
        timeline: 'virtual',
        fromMs: 0,
        toMs: 1,
      },
    );
    a.metrics.numbers.auctions = 3;
    a.leaves[0]!.numbers.sent = 5;
    a.leaves[0]!.maps.invalidReasons = [['bad-json', 2]];
    a.seconds = [{ auctions: 1, timedOut: 0, sent: 2, latencySumMs: 10, maxLatencyMs: 9 }];
    const b = JSON.parse(JSON.stringify(a)) as typeof a;
    b.leaves[0]!.maps.invalidReasons = [
      ['bad-json', 1],
      ['no-id', 4],
    ];
    b.seconds = [
      { auctions: 2, timedOut: 1, sent: 4, latencySumMs: 5, maxLatencyMs: 4 },
      { auctions: 1, timedOut: 0, sent: 2, latencySumMs: 1, maxLatencyMs: 1 },
    ];
    const sum = addStates([a, b]);
    expect(sum.metrics.numbers.auctions).toBe(6);
    expect(sum.leaves[0]!.numbers.sent).toBe(10);
    expect(sum.leaves[0]!.maps.invalidReasons).toEqual([
      ['bad-json', 3],
      ['no-id', 4],
    ]);
    expect(sum.seconds).toEqual([
      { auctions: 3, timedOut: 1, sent: 6, latencySumMs: 15, maxLatencyMs: 9 },
      { auctions: 1, timedOut: 0, sent: 2, latencySumMs: 1, maxLatencyMs: 1 },
    ]);
  });
});
