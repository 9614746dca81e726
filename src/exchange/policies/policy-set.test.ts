import { describe, expect, it } from 'vitest';
import { Outcome } from '../outcome.js';
import { PolicySet } from './policy-set.js';

const base = { leaves: 2, tmaxMs: 100, adaptive: null, throttle: null, qps: null, draw: () => 0.99 };

describe('PolicySet', () => {
  it('is inactive with every policy off, and then sends all with the static deadline', () => {
    const p = new PolicySet({ ...base, qps: [null, null] });
    expect(p.active).toBe(false);
    expect(p.cap).toBeNull();
    expect(p.admit(0, 0)).toBeNull();
    expect(p.deadlineMs(1, 70, 0)).toBe(70);
  });

  it('caps per leaf, and a throttled request takes no token', () => {
    const p = new PolicySet({ ...base, qps: [5, null], throttle: { maxTimeoutRate: 0, windowSec: 1, minShare: 0.5 } });
    expect(p.active).toBe(true);
    // One token (a tenth of a second of 5/s is below one): the first request takes it.
    expect(p.admit(0, 0)).toBeNull();
    expect(p.admit(0, 1)).toBe('capped');
    expect(p.admit(1, 1)).toBeNull();
    // Time out every request to leaf 0 for a second: its share halves, and each draw (0.99) fails it.
    for (let t = 2; t < 1200; t += 10) p.observe(0, Outcome.TIMED_OUT, NaN, t);
    const atMs = 2000;
    expect(p.throttle!.share(0)).toBe(0.5);
    expect(p.admit(0, atMs)).toBe('throttled');
    // Its token (back since 0 ms) is still there for the first request the throttle lets through.
    const q = new PolicySet({
      ...base,
      qps: [5, null],
      throttle: { maxTimeoutRate: 0, windowSec: 1, minShare: 0.5 },
      draw: () => 0,
    });
    q.admit(0, 0);
    for (let t = 2; t < 1200; t += 10) q.observe(0, Outcome.TIMED_OUT, NaN, t);
    expect(q.admit(0, atMs)).toBeNull();
  });
});
