import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { burstOf, QpsCap } from './qps-cap.js';

/** Poisson arrival times over [0, untilMs) at `rate` per second. */
function poisson(rate: number, untilMs: number, seed: string): number[] {
  const rng = seedrandom.alea(seed);
  const out: number[] = [];
  for (let t = -Math.log(1 - rng()) * (1000 / rate); t < untilMs; t += -Math.log(1 - rng()) * (1000 / rate))
    out.push(t);
  return out;
}

describe('QPS caps', () => {
  it('holds a leaf to its cap within 5% over the run, under Poisson arrivals five times over it', () => {
    const cap = new QpsCap([100, null]);
    const arrivals = poisson(500, 20_000, 'qps');
    let capped = 0;
    let sent = 0;
    let free = 0;
    for (const t of arrivals) {
      if (cap.take(0, t)) sent++;
      else capped++;
      if (cap.take(1, t)) free++;
    }
    expect(sent).toBeGreaterThanOrEqual(0.95 * 2000);
    expect(sent).toBeLessThanOrEqual(2000 + burstOf(100));
    expect(sent + capped).toBe(arrivals.length);
    // The leaf with no cap is sent everything.
    expect(free).toBe(arrivals.length);
  });

  it('caps nothing below the rate', () => {
    const cap = new QpsCap([100]);
    // Evenly spaced at 90/s: a token is always back in time.
    for (let i = 0; i < 2000; i++) expect(cap.take(0, i * (1000 / 90))).toBe(true);
  });

  it('lets a burst of a tenth of a second through after a pause, then one per token', () => {
    const cap = new QpsCap([200]);
    expect(burstOf(200)).toBe(20);
    let passed = 0;
    for (let i = 0; i < 50; i++) if (cap.take(0, 1000)) passed++;
    expect(passed).toBe(20);
    // 5 ms at 200/s is one more token.
    expect(cap.take(0, 1005)).toBe(true);
    expect(cap.take(0, 1005)).toBe(false);
    // A cap below 10/s still holds one token, so a lone request goes through.
    expect(burstOf(2)).toBe(1);
  });
});
