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
import type { HarnessCheck, HarnessSummary, HarnessVerdict } from '../../src/sim/metrics/harness-types.js';

export const HOSTILE_IMG = '<img src=x onerror=alert(1)>';
export const HOSTILE_SCRIPT = '<script>alert(1)</script>';
/** Breaks Markdown tables and code spans if not escaped. */
export const HOSTILE_MD = 'pipe|tick`star*';

/** A group of synthetic leaves and how each of them fails, as shares of its requests. */
export interface SyntheticGroup {
  group: string;
  leaves: string[];
  medianMs: number;
  /** Requests lost (no answer, the link down), per leaf. */
  lost?: number[];
  /** Answers refused as invalid (reason `not-json`), per leaf. */
  invalid?: number[];
  /** Stray frames (reason `unknown-request`) per leaf, and connection drops per leaf: counts. */
  stray?: number[];
  drops?: number[];
}

export interface SyntheticOptions {
  auctions?: number;
  partial?: boolean;
  /** Include the bidder host's delay histograms (as a local host would report them). */
  hostStats?: boolean;
  seed?: string;
  /** The leaves, instead of the default four groups with hostile names. */
  groups?: SyntheticGroup[];
  /** Add FAULTY_GROUP: one leaf that loses most requests, one that garbles some. */
  faulty?: boolean;
  /** The largest overshoot of an auction closed by its deadline, ms (default 2). */
  overshootMs?: number;
}

const TMAX_MS = 100;

/** Leaves that fail: `faulty-1` loses 80% of its requests (its link dropped 4 times), `faulty-2` garbles 10%. */
export const FAULTY_GROUP: SyntheticGroup = {
  group: 'faulty',
  leaves: ['faulty-1', 'faulty-2'],
  medianMs: 12,
  lost: [0.8, 0],
  invalid: [0, 0.1],
  stray: [0, 3],
  drops: [4, 0],
};

/** `count` leaves in `groups` groups named g1…, leaf names g1-1…; every 37th leaf loses 5 to 30%. */
export function manyLeaves(count: number, groups: number): SyntheticGroup[] {
  return Array.from({ length: groups }, (_, g): SyntheticGroup => {
    const leaves = Array.from(
      { length: Math.ceil(count / groups) },
      (_, j) => g * Math.ceil(count / groups) + j,
    ).filter((i) => i < count);
    return {
      group: `g${g + 1}`,
      leaves: leaves.map((i) => `g${g + 1}-${i + 1}`),
      medianMs: 10 + 8 * g,
      lost: leaves.map((i) => (i % 37 === 5 ? 0.05 + ((i * 7) % 26) / 100 : 0)),
    };
  });
}

export function syntheticRun(opts: SyntheticOptions = {}): RunResult {
  const n = opts.auctions ?? 3000;
  const rng = seedrandom(opts.seed ?? 'synthetic');
  const groups: SyntheticGroup[] = [
    ...(opts.groups ?? [
      { group: 'dsp-fast', leaves: ['dsp-fast-1', 'dsp-fast-2'], medianMs: 15 },
      { group: HOSTILE_IMG, leaves: [`${HOSTILE_IMG}-1`], medianMs: 40 },
      { group: HOSTILE_SCRIPT, leaves: [HOSTILE_SCRIPT], medianMs: 30 },
      { group: HOSTILE_MD, leaves: [`${HOSTILE_MD}-1`], medianMs: 25 },
    ]),
    ...(opts.faulty === true ? [FAULTY_GROUP] : []),
  ];
  const infos: LeafInfo[] = groups.flatMap((g) => g.leaves.map((name) => ({ name, group: g.group })));
  const medians = groups.flatMap((g) => g.leaves.map(() => g.medianMs));
  const per = (pick: (g: SyntheticGroup) => number[] | undefined): number[] =>
    groups.flatMap((g) => g.leaves.map((_, j) => pick(g)?.[j] ?? 0));
  const lostShare = per((g) => g.lost);
  const invalidShare = per((g) => g.invalid);
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
      if (rng() < lostShare[i]!) {
        c.lost++;
        return;
      }
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
      if (rng() < invalidShare[i]!) {
        c.invalid++;
        c.invalidReasons.set('not-json', (c.invalidReasons.get('not-json') ?? 0) + 1);
      } else if (r < 0.2) c.noBid++;
      else if (r < 0.21) {
        c.invalid++;
        c.invalidReasons.set('bad-price', (c.invalidReasons.get('bad-price') ?? 0) + 1);
      } else {
        c.onTime++;
        onTime.push(i);
      }
    });
    const overshoot = byDeadline ? rng() * (opts.overshootMs ?? 2) : 0;
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
      winner.spendMicros += Math.round(price * 1e6);
      m.clearingMicros += Math.round(price * 1e6);
      m.impressionsSold++;
      m.filled++;
    }
  }

  const strays = per((g) => g.stray);
  const drops = per((g) => g.drops);
  m.leaves.forEach((c, i) => {
    c.stray += strays[i]!;
    if (strays[i]! > 0)
      c.invalidReasons.set('unknown-request', (c.invalidReasons.get('unknown-request') ?? 0) + strays[i]!);
    c.drops += drops[i]!;
  });

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
    segment: { index: 0, count: 1 },
    window: { timeline: 'virtual', fromMs: 1000, toMs: 1000 + summary.durationSec * 1000 },
    eventLoopDelay: newHistogram(),
  };
}

/**
 * A harness summary of each verdict, shaped as a live run's (harness-types.ts): an ok one whose every
 * limit held, a degraded one (the exchange's loop busy) and an invalid one (overshoot past 10% of
 * tmax as well), with the processes of an exchange and one bidder host.
 */
export function syntheticHarness(verdict: HarnessVerdict): HarnessSummary {
  const bad = verdict !== 'ok';
  const invalid = verdict === 'invalid';
  const checks: HarnessCheck[] = [
    {
      id: 'overshoot-p99',
      figure: 'deadline overshoot p99',
      value: invalid ? 14.5 : 0.4,
      unit: 'ms',
      degradedAbove: 1,
      invalidAbove: 10,
      level: invalid ? 'invalid' : 'ok',
    },
    {
      id: 'exchange-utilisation',
      figure: 'exchange event-loop utilisation',
      value: bad ? 0.93 : 0.35,
      unit: 'share',
      degradedAbove: 0.8,
      invalidAbove: null,
      level: bad ? 'degraded' : 'ok',
    },
    {
      id: 'gap-p99',
      figure: `measured minus applied p99 of group ${HOSTILE_SCRIPT}`,
      value: 1.25,
      unit: 'ms',
      degradedAbove: 2,
      invalidAbove: 10,
      level: 'ok',
      group: HOSTILE_SCRIPT,
    },
  ];
  const reasons = [
    ...(bad ? ['the exchange’s event loop was busy 93% of the time (limit 80%)'] : []),
    ...(invalid ? ['deadline overshoot p99 was 14.5 ms (limit 10 ms, 10% of tmax)'] : []),
  ];
  return {
    verdict,
    reasons,
    polluted: bad ? ['auction latency', 'deadline overshoot', ...(invalid ? ['timeout rate'] : [])] : [],
    advice: bad ? ['lower the rate', 'run the bidders on another machine', 'or use virtual mode'] : [],
    checks,
    processes: [
      {
        role: 'exchange',
        pid: 4242,
        utilisation: bad ? 0.93 : 0.35,
        utilisationNetOfSpin: bad ? 0.71 : 0.2,
        cpuSec: 9.5,
        wallSec: 10,
      },
      { role: 'bidder-host', pid: 4243, utilisation: 0.41, cpuSec: 4.25, wallSec: 10 },
    ],
    hostLateness: { p50: 0.05, p90: 0.2, p99: 1.5, p999: 3.25, max: 4.5, count: 6000 },
    groups: { [HOSTILE_SCRIPT]: { p50: 0.3, p90: 0.6, p99: 1.25 } },
  };
}
