// The timing cases. Each returns a Row: the figures measured (absolute numbers, printed and never
// asserted), the ratio the case is judged on, its target and whether it met it.

import type { Histogram } from '../src/lib/histogram.js';
import { decodeHistogram, newHistogram } from '../src/lib/histogram.js';
import { RawWsFloor } from './baseline.js';
import { runClosed, runOpen, startRig, type OpenResult, type Rig } from './rig.js';
import type { BenchScenario } from './requests.js';
import type { LoadPoint } from './load-search.js';

export interface Row {
  case: string;
  figures: Record<string, number | string>;
  /** The number the target is about (a ratio to the floor, or milliseconds); null when not measured. */
  ratio: number | null;
  target: string;
  /** null when the case could not run. */
  pass: boolean | null;
}

export interface Durations {
  warmupSec: number;
  measureSec: number;
}

/** In-flight auctions for the closed-loop throughput runs. */
export const IN_FLIGHT = 64;
/** Each throughput turn runs this long before it counts, so the other side's traffic has drained. */
const SETTLE_SEC = 0.15;

const ms = (us: number): number => Math.round(us) / 1000;

function percentiles(h: Histogram, offsetMs = 0): { p50: number; p99: number; p999: number; max: number } {
  const at = (p: number): number => Math.round((h.getValueAtPercentile(p) / 1000 - offsetMs) * 1000) / 1000;
  return { p50: at(50), p99: at(99), p999: at(99.9), max: Math.round((h.maxValue / 1000 - offsetMs) * 1000) / 1000 };
}

/**
 * Case 1: the exchange and bidder host against bare ws, N leaves answering at once. Both stay up
 * and take turns in short slices, so a change in background load hits both alike; the ratio is the
 * median of the turns' ratios.
 */
export async function throughput(
  leaves: number,
  d: Durations,
  rounds: number,
): Promise<{ row: Row; exchangePerSec: number; baselinePerSec: number }> {
  const floor = await RawWsFloor.start(leaves);
  let rig: Rig | null = null;
  const base = { auctions: 0, seconds: 0 };
  const ex = { auctions: 0, seconds: 0 };
  const ratios: number[] = [];
  try {
    rig = await startRig({ leaves, tmaxMs: 1000, latency: { model: 'constant', ms: 0 } });
    const slice = d.measureSec / rounds;
    await floor.run(IN_FLIGHT, d.warmupSec, 0.1);
    await runClosed(rig, IN_FLIGHT, d.warmupSec, 0.1);
    for (let r = 0; r < rounds; r++) {
      const b = await floor.run(IN_FLIGHT, SETTLE_SEC, slice);
      const e = await runClosed(rig, IN_FLIGHT, SETTLE_SEC, slice);
      base.auctions += b.auctions;
      base.seconds += b.seconds;
      ex.auctions += e.auctions;
      ex.seconds += e.seconds;
      ratios.push(e.auctions / e.seconds / (b.auctions / b.seconds));
    }
  } finally {
    floor.close();
    await rig?.stop();
  }
  const basePerSec = base.auctions / base.seconds;
  const exPerSec = ex.auctions / ex.seconds;
  // The median of the rounds' ratios: a burst of someone else's load spoils one round, not the result.
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const ratio = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return {
    exchangePerSec: exPerSec,
    baselinePerSec: basePerSec,
    row: {
      case: `throughput N=${leaves}`,
      figures: {
        'baseline auctions/s': Math.round(basePerSec),
        'exchange auctions/s': Math.round(exPerSec),
        'ratio of totals': round(exPerSec / basePerSec, 3),
        'ratio per round min..max': `${round(ratios[0]!, 2)}..${round(ratios[ratios.length - 1]!, 2)}`,
      },
      ratio: round(ratio, 3),
      target: '>= 0.8 x baseline',
      pass: ratio >= 0.8,
    },
  };
}

/** Case 2's rig: every auction closes on its deadline (leaves answer at 1.5 x tmax), open loop. */
export const OVERSHOOT_RIG: BenchScenario = { leaves: 10, tmaxMs: 50, latency: { model: 'constant', ms: 75 } };

/** Case 2: how late the deadlines close at a rate found to load the exchange to `at.target`. */
export async function overshoot(at: LoadPoint, d: Durations): Promise<Row> {
  const rig = await startRig(OVERSHOOT_RIG);
  let open: OpenResult;
  try {
    open = await runOpen(rig, at.rate, d.warmupSec, d.measureSec);
  } finally {
    await rig.stop();
  }
  const m = rig.metrics;
  const p = percentiles(m.overshoot);
  const [p99Target, p999Target] = at.target <= 0.5 ? [1, 2] : [2, Infinity];
  const pass = p.p99 <= p99Target && p.p999 <= p999Target;
  return {
    case: `overshoot at utilisation ${at.target}`,
    figures: {
      'rate/s': at.rate,
      ...loadFigures(at, open),
      'closed by deadline': m.overshoot.totalCount,
      auctions: m.auctions,
      'p50 ms': p.p50,
      'p99 ms': p.p99,
      'p99.9 ms': p.p999,
      'max ms': p.max,
      'root cpu µs/auction': Math.round(open.cpuUsPerAuction),
    },
    ratio: p.p99,
    target: p999Target === Infinity ? `p99 <= ${p99Target} ms` : `p99 <= ${p99Target} ms, p99.9 <= ${p999Target} ms`,
    pass,
  };
}

/** Case 3's rig: leaves at a constant 10 ms. */
export const OVERHEAD_RIG: BenchScenario = { leaves: 10, tmaxMs: 100, latency: { model: 'constant', ms: 10 } };

/** Case 3: leaves at a constant 10 ms at a rate found to load the exchange to `at.target`: what the exchange adds, and what the host's timers add. */
export async function overhead(at: LoadPoint, d: Durations, hostSpinMs: number): Promise<Row> {
  const latencyMs = OVERHEAD_RIG.latency.model === 'constant' ? OVERHEAD_RIG.latency.ms : 0;
  const rig = await startRig(OVERHEAD_RIG, {}, undefined, { spinMs: hostSpinMs });
  let hostStats;
  let open: OpenResult;
  try {
    open = await runOpen(rig, at.rate, d.warmupSec, d.measureSec);
  } finally {
    hostStats = await rig.stop();
  }
  const m = rig.metrics;
  const auction = percentiles(m.auctionLatency, latencyMs);
  const own = percentiles(m.fromSubmit, latencyMs);
  // Each leaf's response time (sent → received at the root), less the 10 ms the leaf was asked to wait.
  const response = newHistogram();
  for (const leaf of m.leaves) response.add(leaf.latency);
  const resp = percentiles(response, latencyMs);
  // How late the host's timer sent each answer against the delay it drew (when the host reports it).
  const lateness = newHistogram();
  for (const s of hostStats) if (s.lateness !== undefined) lateness.add(decodeHistogram(s.lateness));
  const host = lateness.totalCount > 0 ? percentiles(lateness) : null;
  return {
    case: `overhead at utilisation ${at.target}, 10 ms leaves, host ${hostSpinMs > 0 ? `spinning ${hostSpinMs} ms` : 'on ms timers'}`,
    figures: {
      'rate/s': at.rate,
      ...loadFigures(at, open),
      auctions: m.auctions,
      'submit→close -10 p50 ms': own.p50,
      'submit→close -10 p99 ms': own.p99,
      'submit→close -10 p99.9 ms': own.p999,
      'arrival→close -10 p99 ms': auction.p99,
      'leaf response -10 p50 ms': resp.p50,
      'leaf response -10 p99 ms': resp.p99,
      'host timer late p50 ms (whole run)': host === null ? 'n/a' : host.p50,
      'host timer late p99 ms (whole run)': host === null ? 'n/a' : host.p99,
      'root cpu µs/auction': Math.round(open.cpuUsPerAuction),
    },
    ratio: own.p99,
    target: 'p99 overhead (submit→close -10) <= 2 ms',
    pass: own.p99 <= 2,
  };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export { ms };

/** The figures that say how loaded the exchange was: the search's aim, and what the measured run found. */
function loadFigures(at: LoadPoint, open: OpenResult): Record<string, number | string> {
  return {
    'utilisation aimed at': at.reached ? at.target : `${at.target} (not reached)`,
    'utilisation measured (spin included)': round(open.utilisation, 3),
    'search runs': at.samples.map((x) => `${x.rate}/s→${round(x.utilisation, 2)}`).join(' '),
  };
}
