// A small RunResult with real histograms and hostile names, for the report tests (node and
// browser). Counters and histograms are filled directly from a seeded stream, so the accounting adds
// up exactly as a run's would, and the summary is built by the real buildSummary.

import seedrandom from 'seedrandom';
import type { LeafHostStats } from '../../src/bidders/host.js';
import { encodeHistogram, newHistogram, recordMs } from '../../src/lib/histogram.js';
import { Metrics, type LeafInfo } from '../../src/sim/metrics/metrics.js';
import type { RunResult } from '../../src/sim/run/result.js';
import { validateScenario } from '../../src/sim/scenario/scenario.js';
import { buildSummary, type ThresholdResult } from '../../src/sim/metrics/summary.js';

export const HOSTILE_IMG = '<img src=x onerror=alert(1)>';
export const HOSTILE_SCRIPT = '<script>alert(1)</script>';
/** Breaks Markdown tables and code spans if not escaped. */
export const HOSTILE_MD = 'pipe|tick`star*';

export interface SyntheticOptions {
  auctions?: number;
  partial?: boolean;
  /** Include the bidder host's delay histograms (as a local host would report them). */
  hostStats?: boolean;
  seed?: string;
}

const TMAX_MS = 100;

export function syntheticRun(opts: SyntheticOptions = {}): RunResult {
  const n = opts.auctions ?? 3000;
  const rng = seedrandom(opts.seed ?? 'synthetic');
  const groups: Array<{ group: string; leaves: string[]; medianMs: number }> = [
    { group: 'dsp-fast', leaves: ['dsp-fast-1', 'dsp-fast-2'], medianMs: 15 },
    { group: HOSTILE_IMG, leaves: [`${HOSTILE_IMG}-1`], medianMs: 40 },
    { group: HOSTILE_SCRIPT, leaves: [HOSTILE_SCRIPT], medianMs: 30 },
    { group: HOSTILE_MD, leaves: [`${HOSTILE_MD}-1`], medianMs: 25 },
  ];
  const infos: LeafInfo[] = groups.flatMap((g) => g.leaves.map((name) => ({ name, group: g.group })));
  const medians = groups.flatMap((g) => g.leaves.map(() => g.medianMs));
  const m = new Metrics(infos);
  const hostDelays = infos.map(() => newHistogram());
  const lognormal = (median: number): number => {
    const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return median * Math.exp(0.6 * z);
  };

  for (let a = 0; a < n; a++) {
    let closeMs = 0;
    let byDeadline = false;
    let timedOut = 0;
    const onTime: number[] = [];
    m.leaves.forEach((c, i) => {
      c.sent++;
      const delay = lognormal(medians[i]!);
      recordMs(hostDelays[i]!, delay);
      const response = delay + 0.3 + rng() * 0.4;
      recordMs(c.latency, response);
      if (response > TMAX_MS) {
        c.timedOut++;
        timedOut++;
        if (response < 400) c.late++;
        byDeadline = true;
        return;
      }
      closeMs = Math.max(closeMs, response);
      const r = rng();
      if (r < 0.2) c.noBid++;
      else if (r < 0.21) {
        c.invalid++;
        c.invalidReasons.set('bad-price', (c.invalidReasons.get('bad-price') ?? 0) + 1);
      } else {
        c.onTime++;
        onTime.push(i);
      }
    });
    const overshoot = byDeadline ? rng() * 2 : 0;
    if (byDeadline) recordMs(m.overshoot, overshoot);
    const latency = byDeadline ? TMAX_MS + overshoot : closeMs;
    recordMs(m.auctionLatency, latency);
    m.auctions++;
    m.impressions++;
    const sec = Math.floor((a / n) * 10);
    while (m.seconds.length <= sec)
      m.seconds.push({ auctions: 0, timedOut: 0, sent: 0, latencySumMs: 0, maxLatencyMs: 0 });
    const b = m.seconds[sec]!;
    b.auctions++;
    b.sent += infos.length;
    b.timedOut += timedOut;
    b.latencySumMs += latency;
    b.maxLatencyMs = Math.max(b.maxLatencyMs, latency);
    for (const i of onTime) m.leaves[i]!.bids++;
    if (onTime.length > 0) {
      const winner = m.leaves[onTime[Math.floor(rng() * onTime.length)]!]!;
      const price = 0.5 + rng() * 2.5;
      winner.wins++;
      winner.spendCpm += price;
      m.clearingSum += price;
      m.impressionsSold++;
      m.filled++;
    }
  }

  const scenario = validateScenario({ name: 'synthetic', load: { rate: n / 10, durationSec: 11, warmupSec: 1 } });
  if (!scenario.ok) throw new Error('synthetic scenario does not validate');
  const summary = buildSummary(m, {
    scenario: `synthetic ${HOSTILE_IMG}`,
    seed: 7,
    mode: 'live',
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    durationSec: 10,
    partial: opts.partial ?? false,
    config: {
      rate: n / 10,
      arrival: 'poisson',
      tmaxMs: TMAX_MS,
      allowanceMs: 5,
      type: 'first-price',
      floor: 0.1,
      impressions: 1,
      leaves: infos.length,
      warmupSec: 1,
    },
    eventLoopDelay: { p50: 0.1, p90: 0.5, p99: 2.25, p999: 7.5, max: 9.125, count: 1000 },
  });
  const thresholds: ThresholdResult[] = [
    {
      metric: 'latency.auction.p99',
      op: '<',
      value: 120,
      actual: summary.latency.auction.p99,
      pass: summary.latency.auction.p99 < 120,
    },
    {
      metric: 'rates.timeout',
      op: '<',
      value: 0.001,
      actual: summary.rates.timeout,
      pass: summary.rates.timeout < 0.001,
    },
  ];
  summary.thresholds = thresholds;
  const hostStats: LeafHostStats[] =
    opts.hostStats === false
      ? []
      : infos.map((info, i) => ({
          name: info.name,
          requests: n,
          wins: m.leaves[i]!.wins,
          losses: n - m.leaves[i]!.wins,
          badRequests: 0,
          delays: encodeHistogram(hostDelays[i]!),
        }));
  return {
    invariantViolations: [],
    scenario: scenario.scenario,
    summary,
    metrics: m,
    hostStats,
    stoppedBy: opts.partial === true ? 'signal' : null,
    message: opts.partial === true ? 'stopped by signal' : null,
  };
}
