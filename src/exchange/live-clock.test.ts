// The live clock on fake timers (setTimeout, setImmediate and performance.now faked together): a
// timer fires once its target has passed, never before; it spins its last millisecond; and the spin
// stops at its budget, after which timers finish on setTimeout.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveClock } from './live-clock.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
});
afterEach(() => vi.useRealTimers());

/** Run the fake loop until `untilMs`, in steps of 0.05 ms (so setImmediate turns advance time). */
function runUntil(untilMs: number): void {
  while (performance.now() < untilMs) vi.advanceTimersByTime(0.05);
}

describe('liveClock', () => {
  it('fires a timer at its target, never before, and spins its last millisecond', () => {
    const clock = liveClock(1, 1);
    const fired: number[] = [];
    const t = clock.createTimer(() => fired.push(clock.now()));
    const start = clock.now();
    t.set(start + 10.3);
    runUntil(start + 9);
    expect(fired).toEqual([]);
    runUntil(start + 12);
    expect(fired).toHaveLength(1);
    expect(fired[0]!).toBeGreaterThanOrEqual(start + 10.3);
    expect(fired[0]! - (start + 10.3)).toBeLessThan(1);
    const spin = clock.spinStats();
    expect(spin.turns).toBeGreaterThan(0);
    expect(spin.windowMs).toBeGreaterThan(0);
    expect(spin.windowMs).toBeLessThanOrEqual(1.1);
  });

  it('clears a timer: it never fires', () => {
    const clock = liveClock(1, 1);
    let fired = 0;
    const t = clock.createTimer(() => fired++);
    t.set(clock.now() + 5);
    t.clear();
    runUntil(clock.now() + 10);
    expect(fired).toBe(0);
  });

  it('keeps the spin within its budget: past it, timers finish on setTimeout', () => {
    // One deadline every 0.5 ms for 100 ms: unbounded, the spin never stops; at a 25% budget it
    // spins at most 25 ms of each 100 ms slice and refuses the rest.
    const run = (budget: number): { windowMs: number; refused: number; late: number[] } => {
      const clock = liveClock(1, budget);
      const late: number[] = [];
      const start = clock.now();
      for (let i = 0; i < 200; i++) {
        const target = start + 2 + i * 0.5;
        const t = clock.createTimer(() => late.push(clock.now() - target));
        t.set(target);
      }
      runUntil(start + 110);
      const { windowMs, refused } = clock.spinStats();
      return { windowMs, refused, late };
    };
    const unbounded = run(1);
    expect(unbounded.late).toHaveLength(200);
    expect(unbounded.refused).toBe(0);
    expect(unbounded.windowMs).toBeGreaterThan(90);
    const budgeted = run(0.25);
    expect(budgeted.late).toHaveLength(200);
    expect(budgeted.refused).toBeGreaterThan(0);
    expect(budgeted.windowMs).toBeLessThan(2 * 25 + 2);
    // Never early, whichever way a timer finished.
    for (const l of [...unbounded.late, ...budgeted.late]) expect(l).toBeGreaterThanOrEqual(0);
  });

  it('turns the spin off with spinMs 0', () => {
    const clock = liveClock(0);
    let firedAt = -1;
    const start = clock.now();
    clock.createTimer(() => (firedAt = clock.now())).set(start + 3.5);
    runUntil(start + 10);
    expect(firedAt).toBeGreaterThanOrEqual(start + 3.5);
    expect(clock.spinStats().turns).toBe(0);
  });
});
