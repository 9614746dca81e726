// The harness verdict of a live run: did it measure the bidders, or the machine it ran on? Each limit
// below is a figure of the run's own processes (the exchange and every bidder host) against a bound;
// one that passes its bound degrades the run (the figures it pollutes are named) or makes it invalid.
// The bounds come from measurements on a 2-core machine, written in docs/summary-json.md. Pure: the
// runner hands in what it measured.

import type { Histogram } from '../../lib/histogram.js';
import type { ProcessLoad } from '../../lib/process-meter.js';
import type { GroupGap, HarnessCheck, HarnessSummary, HarnessVerdict, ProcessHealth } from './harness-types.js';
import { percentiles, type P } from './summary.js';

/**
 * The bounds; shares are of the auction's tmax. They sit above what an idle 2-core VM does and far
 * below what a loaded one does (docs/summary-json.md has the figures): on this VM a process doing
 * nothing but a 10 ms timer sees its loop 3.2-3.8 ms late at p99, so timers woken by the kernel (the
 * event-loop monitor's, the bidder host's millisecond timers) carry that much jitter idle, while the
 * exchange's deadlines, finished in the spin, close within about a millisecond.
 */
export const HARNESS_LIMITS = {
  /** Deadline overshoot p99: degraded above max(2 ms, 2% of tmax), invalid above 10% of tmax. */
  overshootP99: { degradedMs: 2, degradedShare: 0.02, invalidShare: 0.1 },
  /**
   * The exchange's event-loop delay p99: degraded above max(20 ms, 20% of tmax). A cause, whose effect
   * on the auctions the overshoot measures; it carries the VM's timer jitter (up to 9 ms idle here).
   */
  eventLoopDelayP99: { degradedMs: 20, degradedShare: 0.2 },
  /** Any process's event-loop utilisation (the exchange's net of the clock's spin): degraded above 0.8. */
  utilisation: { degraded: 0.8 },
  /**
   * The bidder hosts' timer lateness p99: degraded above max(20 ms, 20% of tmax). A cause, whose effect
   * on the response times the gap measures; its millisecond timers carry the VM's jitter (up to 7.4 ms
   * idle here).
   */
  hostLatenessP99: { degradedMs: 20, degradedShare: 0.2 },
  /** Per group, measured minus applied response time at p99: degraded above max(5 ms, 5% of tmax), invalid above 10%. */
  gapP99: { degradedMs: 5, degradedShare: 0.05, invalidShare: 0.1 },
  /**
   * A p99 of fewer values than this is nearly the maximum, one late timer: the check reads the p90
   * instead (and says so).
   */
  minCountForP99: 200,
} as const;

export interface SpinCost {
  /** Wall milliseconds some deadline timer of the live clock was spinning (its loop busy throughout). */
  windowMs: number;
}

export interface HarnessInput {
  tmaxMs: number;
  /** The bidders' host is not this run's child (external bidders, --bidders): it cannot be measured. */
  hostOutside?: boolean;
  overshoot: P;
  eventLoopDelay: P;
  exchange: { pid: number; load: ProcessLoad; spin: SpinCost | null };
  hosts: Array<ProcessLoad & { pid: number }>;
  /** How late the hosts' timers sent answers (µs histogram), null without a local host. */
  hostLateness: Histogram | null;
  /** Per group: the response times the exchange measured and the delays the host applied (µs). */
  groups: Array<{ name: string; measured: Histogram; applied: Histogram | null }>;
}

const sig3 = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(3)));
const ms = (x: number): string => `${sig3(x)} ms`;
const share = (x: number): string => `${sig3(x)}`;

const RATE_ADVICE = 'lower the rate (npm run capacity finds the highest rate this machine keeps ok)';
const VIRTUAL_ADVICE = 'or run in virtual time ("mode": "virtual"), which no machine load can pollute';
const HOST_ADVICE = 'fewer leaves per bidder host, or the bidders on another machine (npm run bidders there)';

interface Rule {
  polluted: (group?: string) => string[];
  advice: string[];
  why: string;
}

const RULES: Record<string, Rule> = {
  'overshoot-p99': {
    polluted: () => ['auction latency', 'deadline overshoot'],
    advice: [RATE_ADVICE, VIRTUAL_ADVICE],
    why: 'auctions closed late because the exchange could not run its deadline timer on time',
  },
  'event-loop-delay-p99': {
    polluted: () => ['auction latency', 'response times', 'timeout rate'],
    advice: [RATE_ADVICE, VIRTUAL_ADVICE],
    why: "the exchange's event loop was held up, so answers and deadlines waited their turn",
  },
  'exchange-utilisation': {
    polluted: () => ['auction latency', 'response times', 'timeout rate'],
    advice: [RATE_ADVICE, VIRTUAL_ADVICE],
    why: "the exchange's event loop was nearly always busy",
  },
  'host-utilisation': {
    polluted: () => ['response times', 'timeout rate'],
    advice: [HOST_ADVICE, RATE_ADVICE],
    why: "a bidder host's event loop was nearly always busy, so answers left later than their models said",
  },
  'host-lateness-p99': {
    polluted: () => ['response times', 'timeout rate'],
    advice: [HOST_ADVICE, RATE_ADVICE],
    why: "the bidder host's timers sent answers later than the delays it drew",
  },
  'gap-p99': {
    polluted: (g) => [`response times of ${g}`, `timeout rate of ${g}`],
    advice: [RATE_ADVICE, HOST_ADVICE, VIRTUAL_ADVICE],
    why: 'the exchange measured answers slower than the host applied: the difference is the machine',
  },
};

function level(value: number, degradedAbove: number, invalidAbove: number | null): HarnessVerdict {
  if (invalidAbove !== null && value > invalidAbove) return 'invalid';
  return value > degradedAbove ? 'degraded' : 'ok';
}

function check(
  id: keyof typeof RULES,
  figure: string,
  value: number,
  unit: HarnessCheck['unit'],
  degradedAbove: number,
  invalidAbove: number | null,
  group?: string,
): HarnessCheck {
  const c: HarnessCheck = { id, figure, value: sig3(value), unit, degradedAbove, invalidAbove, level: 'ok' };
  c.level = level(value, degradedAbove, invalidAbove);
  if (group !== undefined) c.group = group;
  return c;
}

/**
 * Measured minus applied, quantile by quantile. A quantile whose applied delay lies at or past the
 * deadline is censored (the exchange stopped waiting there), and is null.
 */
export function groupGap(measured: Histogram, applied: Histogram, tmaxMs: number): GroupGap {
  const at = (q: number): number | null => {
    if (applied.totalCount === 0 || measured.totalCount === 0) return null;
    if (q === 99 && applied.totalCount < HARNESS_LIMITS.minCountForP99) return null;
    const a = Math.min(applied.getValueAtPercentile(q), applied.maxValue) / 1000;
    if (a >= tmaxMs) return null;
    const m = Math.min(measured.getValueAtPercentile(q), measured.maxValue) / 1000;
    return sig3(m - a);
  };
  return { p50: at(50), p90: at(90), p99: at(99) };
}

/** The highest quantile of a gap that is not censored, with its name. */
function topGap(g: GroupGap): { q: string; value: number } | null {
  if (g.p99 !== null) return { q: 'p99', value: g.p99 };
  if (g.p90 !== null) return { q: 'p90', value: g.p90 };
  if (g.p50 !== null) return { q: 'p50', value: g.p50 };
  return null;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** The tail a check reads from percentiles: p99, or p90 when too few values make p99 the maximum. */
function tail(p: P): { q: string; value: number } {
  return p.count >= HARNESS_LIMITS.minCountForP99
    ? { q: 'p99', value: p.p99 }
    : { q: `p90 (${p.count} values, too few for a p99)`, value: p.p90 };
}

/** The figures the passed checks pollute, each once; a group's own is left out where all groups' is named. */
function pollutedFigures(passed: readonly HarnessCheck[]): string[] {
  const all = unique(passed.flatMap((c) => RULES[c.id]!.polluted(c.group)));
  return all.filter((f) => {
    const of = / of .*$/.exec(f);
    return of === null || !all.includes(f.slice(0, of.index));
  });
}

export function judgeHarness(h: HarnessInput): HarnessSummary {
  const L = HARNESS_LIMITS;
  const t = h.tmaxMs;
  const checks: HarnessCheck[] = [];
  const processes: ProcessHealth[] = [];

  const over = tail(h.overshoot);
  checks.push(
    check(
      'overshoot-p99',
      `deadline overshoot ${over.q}`,
      over.value,
      'ms',
      Math.max(L.overshootP99.degradedMs, L.overshootP99.degradedShare * t),
      L.overshootP99.invalidShare * t,
    ),
  );
  const eld = tail(h.eventLoopDelay);
  checks.push(
    check(
      'event-loop-delay-p99',
      `the exchange's event-loop delay ${eld.q}`,
      eld.value,
      'ms',
      Math.max(L.eventLoopDelayP99.degradedMs, L.eventLoopDelayP99.degradedShare * t),
      null,
    ),
  );

  const ex = h.exchange;
  // Net of the spin: the loop's utilisation over the time no timer was spinning (during a spin the
  // loop is never idle, whatever the work), which the clock's budget keeps to most of the run.
  const wallMs = ex.load.wallSec * 1000;
  const spinMs = ex.spin === null ? 0 : Math.min(ex.spin.windowMs, ex.load.activeMs);
  const net =
    ex.spin === null || wallMs - spinMs <= 0
      ? ex.load.utilisation
      : Math.max(0, Math.min(1, (ex.load.activeMs - spinMs) / (wallMs - spinMs)));
  const exchangeHealth: ProcessHealth = {
    role: 'exchange',
    pid: ex.pid,
    utilisation: sig3(ex.load.utilisation),
    cpuSec: sig3(ex.load.cpuSec),
    wallSec: sig3(ex.load.wallSec),
  };
  if (ex.spin !== null) exchangeHealth.utilisationNetOfSpin = sig3(net);
  processes.push(exchangeHealth);
  checks.push(
    check(
      'exchange-utilisation',
      "the exchange's event-loop utilisation (net of the clock's spin)",
      net,
      'share',
      L.utilisation.degraded,
      null,
    ),
  );
  const hosts = judgeHosts(h);
  return verdictOf(checks.concat(hosts.checks), processes.concat(hosts.processes), hosts, h.hostOutside === true);
}

/** What the bidder hosts' side of HarnessInput shows: their processes, timer lateness and the gaps. */
export type HostsInput = Pick<HarnessInput, 'tmaxMs' | 'hosts' | 'hostLateness' | 'groups'>;

/** The checks of the bidder hosts (their utilisation, their timers' lateness, each group's gap). */
export function judgeHosts(h: HostsInput): {
  checks: HarnessCheck[];
  processes: ProcessHealth[];
  hostLateness: P | null;
  groups: Record<string, GroupGap>;
} {
  const L = HARNESS_LIMITS;
  const t = h.tmaxMs;
  const checks: HarnessCheck[] = [];
  const processes: ProcessHealth[] = [];
  for (const host of h.hosts) {
    processes.push({
      role: 'bidder-host',
      pid: host.pid,
      utilisation: sig3(host.utilisation),
      cpuSec: sig3(host.cpuSec),
      wallSec: sig3(host.wallSec),
    });
    checks.push(
      check(
        'host-utilisation',
        `bidder host ${host.pid}'s event-loop utilisation`,
        host.utilisation,
        'share',
        L.utilisation.degraded,
        null,
      ),
    );
  }

  let hostLateness: P | null = null;
  if (h.hostLateness !== null && h.hostLateness.totalCount > 0) {
    hostLateness = percentiles(h.hostLateness);
    const lim = L.hostLatenessP99;
    const late = tail(hostLateness);
    checks.push(
      check(
        'host-lateness-p99',
        `the bidder host's timer lateness ${late.q}`,
        late.value,
        'ms',
        Math.max(lim.degradedMs, lim.degradedShare * t),
        null,
      ),
    );
  }

  const groups: Record<string, GroupGap> = {};
  for (const g of h.groups) {
    if (g.applied === null) continue;
    const gap = groupGap(g.measured, g.applied, t);
    groups[g.name] = gap;
    const top = topGap(gap);
    if (top === null) continue;
    const lim = L.gapP99;
    checks.push(
      check(
        'gap-p99',
        `measured minus applied response time ${top.q} of group ${g.name}`,
        top.value,
        'ms',
        Math.max(lim.degradedMs, lim.degradedShare * t),
        lim.invalidShare * t,
        g.name,
      ),
    );
  }
  return { checks, processes, hostLateness, groups };
}

/**
 * The verdict of a run's checks: the worst level among them, a reason for each passed limit (invalid
 * first) and the figures they pollute. `hostOutside`: the bidders' host was no process of the run's.
 */
export function verdictOf(
  checks: HarnessCheck[],
  processes: ProcessHealth[],
  host: { hostLateness: P | null; groups: Record<string, GroupGap> },
  hostOutside: boolean,
): HarnessSummary {
  // Invalid first: the reason a run cannot be used leads.
  const passed = checks.filter((c) => c.level === 'invalid').concat(checks.filter((c) => c.level === 'degraded'));
  const verdict: HarnessVerdict = passed.some((c) => c.level === 'invalid')
    ? 'invalid'
    : passed.length > 0
      ? 'degraded'
      : 'ok';
  const reasons = passed.map((c) => {
    const shown = c.unit === 'ms' ? ms : share;
    const bound = c.level === 'invalid' && c.invalidAbove !== null ? c.invalidAbove : c.degradedAbove;
    return `${c.figure} was ${shown(c.value)}, above the ${c.level} limit of ${shown(bound)}: ${RULES[c.id]!.why}`;
  });
  if (hostOutside)
    reasons.push(
      'the bidders ran outside this run (external bidders or --bidders), so their host was not measured: its load, timer lateness and the measured-minus-applied gap are unknown',
    );
  return {
    verdict,
    reasons,
    polluted: pollutedFigures(passed),
    advice: unique(passed.flatMap((c) => RULES[c.id]!.advice)),
    checks,
    processes,
    hostLateness: host.hostLateness,
    groups: host.groups,
  };
}

/** A virtual run's harness: nothing of the machine reaches its figures. */
export function virtualHarness(): HarnessSummary {
  return {
    verdict: 'ok',
    reasons: ['virtual time'],
    polluted: [],
    advice: [],
    checks: [],
    processes: [],
    hostLateness: null,
    groups: {},
  };
}
