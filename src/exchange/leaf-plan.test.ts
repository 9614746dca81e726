import { describe, expect, it } from 'vitest';
import { InFlightAuction } from './in-flight.js';
import { LeafPlan, uniformTerms } from './leaf-plan.js';
import type { FanoutPolicy } from './policies/policy.js';

/** A policy whose deadline for every leaf is `current.ms` (at most the static one), admitting all. */
function settable(current: { ms: number }): FanoutPolicy {
  return {
    admit: () => null,
    deadlineMs: (_leaf, staticMs) => Math.min(staticMs, current.ms),
    observe: () => undefined,
  };
}

const auction = (at: number): InFlightAuction =>
  new InFlightAuction({ id: `a${at}`, imp: [], tmax: 100 } as never, at, at, at + 100, at, 3);

describe('LeafPlan deadline offsets', () => {
  it('gives an auction the static offsets, or the last moved ones, and makes an array only when one moves', () => {
    const current = { ms: 100 };
    const plan = new LeafPlan(uniformTerms(3, 100, 5), 0, settable(current));
    const a = auction(0);
    plan.open(a, 0);
    // A policy that moves nothing (a throttle or cap alone) leaves every auction the static offsets.
    expect(a.offsets).toBe(plan.staticOffsets);
    current.ms = 60;
    const b = auction(1);
    const c = auction(2);
    plan.open(b, 1);
    plan.open(c, 2);
    expect(b.offsets).toEqual([60, 60, 60]);
    expect(b.deadlineMs).toBe(1 + 60);
    // Held the same: the next auction shares the array.
    expect(c.offsets).toBe(b.offsets);
    current.ms = 40;
    const d = auction(3);
    plan.open(d, 3);
    expect(d.offsets).toEqual([40, 40, 40]);
    // The earlier auctions keep theirs as they were given.
    expect(b.offsets).toEqual([60, 60, 60]);
    expect(c.offsets).toEqual([60, 60, 60]);
    current.ms = 100;
    const e = auction(4);
    plan.open(e, 4);
    expect(e.offsets).toBe(plan.staticOffsets);
    expect(d.offsets).toEqual([40, 40, 40]);
  });
});
