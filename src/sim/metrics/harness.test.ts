import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs, type Histogram } from '../../lib/histogram.js';
import { groupGap, HARNESS_LIMITS, judgeHarness, virtualHarness, type HarnessInput } from './harness.js';
import type { P } from './summary.js';

const p99 = (v: number): P => ({ p50: v / 2, p90: v, p99: v, p999: v, max: v, count: 1000 });

/** A histogram of `n` values, all `ms`. */
function hist(ms: number, n = 1000): Histogram {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, ms);
  return h;
}

/** A run whose every figure is well inside its limit at tmax 100 ms. */
function healthy(over: Partial<HarnessInput> = {}): HarnessInput {
  return {
    tmaxMs: 100,
    overshoot: p99(0.2),
    eventLoopDelay: p99(0.5),
    exchange: { pid: 1, load: { utilisation: 0.3, activeMs: 300, cpuSec: 0.4, wallSec: 1 }, spin: { windowMs: 0 } },
    hosts: [{ pid: 2, utilisation: 0.2, activeMs: 200, cpuSec: 0.3, wallSec: 1 }],
    hostLateness: hist(0.3),
    groups: [{ name: 'g', measured: hist(20.5), applied: hist(20) }],
    ...over,
  };
}

const levelOf = (input: HarnessInput, id: string): string | undefined =>
  judgeHarness(input).checks.find((c) => c.id === id)?.level;

describe('judgeHarness', () => {
  it('is ok with no reasons when every figure is inside its limit', () => {
    const h = judgeHarness(healthy());
    expect(h.verdict).toBe('ok');
    expect(h.reasons).toEqual([]);
    expect(h.polluted).toEqual([]);
    expect(h.advice).toEqual([]);
    expect(h.checks.map((c) => c.id)).toEqual([
      'overshoot-p99',
      'event-loop-delay-p99',
      'exchange-utilisation',
      'host-utilisation',
      'host-lateness-p99',
      'gap-p99',
    ]);
    expect(h.processes.map((p) => p.role)).toEqual(['exchange', 'bidder-host']);
  });

  it('degrades above max(2 ms, 2% of tmax) of overshoot p99 and invalidates above 10% of tmax', () => {
    expect(levelOf(healthy({ overshoot: p99(2) }), 'overshoot-p99')).toBe('ok');
    expect(levelOf(healthy({ overshoot: p99(2.01) }), 'overshoot-p99')).toBe('degraded');
    expect(levelOf(healthy({ tmaxMs: 200, overshoot: p99(3.99) }), 'overshoot-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 200, overshoot: p99(4.01) }), 'overshoot-p99')).toBe('degraded');
    // At tmax 30 ms 2% is 0.6 ms: the 2 ms floor applies, and 10% (3 ms) invalidates.
    expect(levelOf(healthy({ tmaxMs: 30, overshoot: p99(1.99) }), 'overshoot-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 30, overshoot: p99(2.01) }), 'overshoot-p99')).toBe('degraded');
    expect(levelOf(healthy({ tmaxMs: 30, overshoot: p99(3.01) }), 'overshoot-p99')).toBe('invalid');
    expect(levelOf(healthy({ overshoot: p99(10) }), 'overshoot-p99')).toBe('degraded');
    expect(levelOf(healthy({ overshoot: p99(10.1) }), 'overshoot-p99')).toBe('invalid');
    // The invalid bound follows tmax.
    expect(levelOf(healthy({ tmaxMs: 300, overshoot: p99(29) }), 'overshoot-p99')).toBe('degraded');
  });

  it("degrades above max(20 ms, 20% of tmax) of the exchange's event-loop delay p99, never invalidates on it alone", () => {
    expect(levelOf(healthy({ eventLoopDelay: p99(20) }), 'event-loop-delay-p99')).toBe('ok');
    expect(levelOf(healthy({ eventLoopDelay: p99(20.1) }), 'event-loop-delay-p99')).toBe('degraded');
    expect(levelOf(healthy({ eventLoopDelay: p99(90) }), 'event-loop-delay-p99')).toBe('degraded');
    expect(levelOf(healthy({ tmaxMs: 30, eventLoopDelay: p99(19.9) }), 'event-loop-delay-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 300, eventLoopDelay: p99(59.9) }), 'event-loop-delay-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 300, eventLoopDelay: p99(60.1) }), 'event-loop-delay-p99')).toBe('degraded');
  });

  it("degrades above 0.8 of the exchange's utilisation net of the spin", () => {
    const load = (activeMs: number) => ({ utilisation: activeMs / 1000, activeMs, cpuSec: 1, wallSec: 1 });
    expect(levelOf(healthy({ exchange: { pid: 1, load: load(800), spin: null } }), 'exchange-utilisation')).toBe('ok');
    expect(levelOf(healthy({ exchange: { pid: 1, load: load(810), spin: null } }), 'exchange-utilisation')).toBe(
      'degraded',
    );
    // A loop that is always busy because of the spin alone is not counted as busy.
    // 250 ms of spin in a second, 550 ms busy: 300 of the other 750 ms were work, 0.4.
    const spun = judgeHarness(healthy({ exchange: { pid: 1, load: load(550), spin: { windowMs: 250 } } }));
    expect(spun.checks.find((c) => c.id === 'exchange-utilisation')?.level).toBe('ok');
    expect(spun.processes[0]).toMatchObject({ utilisation: 0.55, utilisationNetOfSpin: 0.4 });
    // 250 ms of spin, 890 busy: 640 of 750 is 0.853.
    const busy = judgeHarness(healthy({ exchange: { pid: 1, load: load(890), spin: { windowMs: 250 } } }));
    expect(busy.checks.find((c) => c.id === 'exchange-utilisation')).toMatchObject({ level: 'degraded', value: 0.853 });
  });

  it("degrades above 0.8 of any bidder host's utilisation, naming the host", () => {
    const host = (u: number, pid: number) => ({ pid, utilisation: u, activeMs: u * 1000, cpuSec: u, wallSec: 1 });
    expect(levelOf(healthy({ hosts: [host(0.8, 7)] }), 'host-utilisation')).toBe('ok');
    const h = judgeHarness(healthy({ hosts: [host(0.5, 7), host(0.81, 8)] }));
    expect(h.verdict).toBe('degraded');
    expect(h.reasons).toHaveLength(1);
    expect(h.reasons[0]).toMatch(/^bidder host 8's event-loop utilisation was 0\.81, above the degraded limit of 0\.8/);
  });

  it("degrades above max(20 ms, 20% of tmax) of the host's timer lateness p99, never invalidates on it alone", () => {
    expect(levelOf(healthy({ hostLateness: hist(19.9) }), 'host-lateness-p99')).toBe('ok');
    expect(levelOf(healthy({ hostLateness: hist(20.2) }), 'host-lateness-p99')).toBe('degraded');
    expect(levelOf(healthy({ hostLateness: hist(300) }), 'host-lateness-p99')).toBe('degraded');
    // At tmax 60 ms 20% is 12 ms: the 20 ms floor applies; at 300, 60 ms.
    expect(levelOf(healthy({ tmaxMs: 60, hostLateness: hist(19.9) }), 'host-lateness-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 300, hostLateness: hist(59) }), 'host-lateness-p99')).toBe('ok');
    expect(levelOf(healthy({ tmaxMs: 300, hostLateness: hist(61) }), 'host-lateness-p99')).toBe('degraded');
    // No local host: no lateness figure, no check.
    expect(levelOf(healthy({ hostLateness: null }), 'host-lateness-p99')).toBeUndefined();
  });

  it('degrades above max(5 ms, 5% of tmax) of measured minus applied p99 per group, invalidates above 10%', () => {
    const gap = (measured: number) => healthy({ groups: [{ name: 'g', measured: hist(measured), applied: hist(20) }] });
    expect(levelOf(gap(24.9), 'gap-p99')).toBe('ok');
    expect(levelOf(gap(25.2), 'gap-p99')).toBe('degraded');
    expect(levelOf(gap(29.9), 'gap-p99')).toBe('degraded');
    const invalid = judgeHarness(gap(31));
    expect(invalid.verdict).toBe('invalid');
    expect(invalid.polluted).toEqual(['response times of g', 'timeout rate of g']);
    expect(invalid.reasons[0]).toMatch(
      /^measured minus applied response time p99 of group g was 11 ms, above the invalid limit of 10 ms/,
    );
  });

  it('names every polluted figure once and gives advice for each cause', () => {
    const h = judgeHarness(healthy({ overshoot: p99(3), eventLoopDelay: p99(25), hostLateness: hist(25) }));
    expect(h.verdict).toBe('degraded');
    expect(h.reasons).toHaveLength(3);
    expect(h.polluted).toEqual(['auction latency', 'deadline overshoot', 'response times', 'timeout rate']);
    // A group's own figures are not named again where every group's are.
    const both = judgeHarness(
      healthy({ hostLateness: hist(25), groups: [{ name: 'g', measured: hist(28), applied: hist(20) }] }),
    );
    expect(both.polluted).toEqual(['response times', 'timeout rate']);
    expect(h.advice.some((a) => a.startsWith('lower the rate'))).toBe(true);
    expect(h.advice.some((a) => a.startsWith('fewer leaves per bidder host'))).toBe(true);
    expect(new Set(h.advice).size).toBe(h.advice.length);
  });

  it('keeps the limits it documents', () => {
    expect(HARNESS_LIMITS.overshootP99).toEqual({ degradedMs: 2, degradedShare: 0.02, invalidShare: 0.1 });
    expect(HARNESS_LIMITS.minCountForP99).toBe(200);
    expect(HARNESS_LIMITS.utilisation.degraded).toBe(0.8);
  });
});

describe('judgeHarness with few values, an invalid and a degraded limit, or bidders elsewhere', () => {
  it('reads the p90 when a p99 would rest on fewer than 200 values, and says so', () => {
    const few: P = { p50: 0.1, p90: 0.5, p99: 30, p999: 30, max: 30, count: 150 };
    const h = judgeHarness(healthy({ overshoot: few }));
    expect(h.verdict).toBe('ok');
    expect(h.checks[0]).toMatchObject({ figure: 'deadline overshoot p90 (150 values, too few for a p99)', value: 0.5 });
    expect(levelOf(healthy({ overshoot: { ...few, count: 200 } }), 'overshoot-p99')).toBe('invalid');
    // The gap too: 150 applied delays give no p99, so the check reads the p90.
    const g = judgeHarness(healthy({ groups: [{ name: 'g', measured: hist(20.5, 150), applied: hist(20, 150) }] }));
    expect(g.checks.find((c) => c.id === 'gap-p99')?.figure).toBe(
      'measured minus applied response time p90 of group g',
    );
  });

  it('gives the invalid reasons first', () => {
    const h = judgeHarness(
      healthy({ eventLoopDelay: p99(25), groups: [{ name: 'g', measured: hist(32), applied: hist(20) }] }),
    );
    expect(h.verdict).toBe('invalid');
    expect(h.reasons[0]).toMatch(/^measured minus applied response time p99 of group g was .* above the invalid limit/);
    expect(h.reasons[1]).toMatch(/^the exchange's event-loop delay p99 was 25 ms, above the degraded limit/);
  });

  it('says when the bidders ran outside the run and could not be measured', () => {
    const h = judgeHarness(healthy({ hostOutside: true, hosts: [], hostLateness: null, groups: [] }));
    expect(h.verdict).toBe('ok');
    expect(h.reasons).toEqual([expect.stringMatching(/^the bidders ran outside this run .* not measured/)]);
  });
});

describe('groupGap', () => {
  it('is measured minus applied quantile by quantile', () => {
    const measured = newHistogram();
    const applied = newHistogram();
    for (let i = 1; i <= 1000; i++) {
      recordMs(applied, i / 20); // 0.05 .. 50 ms
      recordMs(measured, i / 20 + 3);
    }
    const g = groupGap(measured, applied, 100);
    for (const q of [g.p50, g.p90, g.p99]) expect(q).toBeCloseTo(3, 0);
  });

  it('censors a quantile whose applied delay lies past the deadline', () => {
    const applied = newHistogram();
    const measured = newHistogram();
    for (let i = 0; i < 95; i++) {
      recordMs(applied, 10);
      recordMs(measured, 11);
    }
    for (let i = 0; i < 5; i++) {
      recordMs(applied, 300);
      recordMs(measured, 100);
    }
    const g = groupGap(measured, applied, 100);
    expect(g.p50).toBeCloseTo(1, 1);
    expect(g.p90).toBeCloseTo(1, 1);
    expect(g.p99).toBeNull();
    // The check then reads the highest quantile left, and says which.
    const h = judgeHarness(healthy({ groups: [{ name: 'g', measured, applied }] }));
    expect(h.checks.find((c) => c.id === 'gap-p99')?.figure).toBe(
      'measured minus applied response time p90 of group g',
    );
  });
});

describe('virtualHarness', () => {
  it('is ok with the reason "virtual time"', () => {
    expect(virtualHarness()).toMatchObject({ verdict: 'ok', reasons: ['virtual time'], checks: [] });
  });
});
