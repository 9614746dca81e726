import { describe, expect, it } from 'vitest';
import { valid } from '../../../test/helpers/scenarios.js';
import { Outcome } from '../../exchange/outcome.js';
import type { PolicySet } from '../../exchange/policies/policy-set.js';
import { fanoutPolicy } from './setup.js';

describe('fanoutPolicy', () => {
  it('is null when the scenario switches no policy on', () => {
    expect(fanoutPolicy(valid({}))).toBeNull();
    expect(fanoutPolicy(valid({ auction: { adaptive: null } }))).toBeNull();
  });

  it("gives each leaf its group's cap, in leaf order", () => {
    const p = fanoutPolicy(
      valid({
        bidders: [
          { name: 'a', count: 2, qps: 10 },
          { name: 'b', count: 1 },
        ],
      }),
    )!;
    expect(p.adaptive).toBeNull();
    expect(p.throttle).toBeNull();
    // One token each (a tenth of a second of 10/s is one): leaves 0 and 1 capped at once, leaf 2 never.
    for (const leaf of [0, 1]) {
      expect(p.admit(leaf, 0)).toBeNull();
      expect(p.admit(leaf, 1)).toBe('capped');
    }
    for (let t = 0; t < 100; t++) expect(p.admit(2, t)).toBeNull();
  });

  it("draws the throttle's choices from the scenario's seed", () => {
    const fates = (seed: number): string => {
      const p = fanoutPolicy(valid({ seed, auction: { throttle: { minShare: 0.5, windowSec: 1 } } }))!;
      expect(p.adaptive).toBeNull();
      let out = '';
      for (let t = 0; t < 3000; t += 10) {
        out += p.admit(0, t) === null ? '1' : '0';
        p.observe(0, Outcome.TIMED_OUT, NaN, t + 5);
      }
      return out;
    };
    expect(fates(7)).toContain('0');
    expect(fates(7)).toBe(fates(7));
    expect(fates(8)).not.toBe(fates(7));
  });

  it('keeps adaptive deadlines above where a leaf would be skipped', () => {
    const p = fanoutPolicy(valid({ auction: { tmaxMs: 100, allowanceMs: 5, minBidderMs: 10, adaptive: {} } }))!;
    // Answers in 1 ms: q95 + 5 would be about 6.8, minMs 10; told 10 - 5 would be under minBidderMs.
    for (let t = 0; t < 3000; t += 5) {
      p.deadlineMs(0, 100, t);
      p.observe(0, Outcome.ON_TIME, 1, t + 1);
    }
    expect(p.deadlineMs(0, 100, 3000)).toBe(16);
  });

  it("keeps a group's adaptive deadlines above its own skip, told share and deduction", () => {
    const s = valid({
      auction: { tmaxMs: 100, allowanceMs: 5, minBidderMs: 10, adaptive: {} },
      bidders: [{ name: 'a', toldShare: 0.5 }, { name: 'b', minBidderMs: 20, toldDeductionMs: 4 }, { name: 'c' }],
    });
    const p = fanoutPolicy(s)!;
    for (let t = 0; t < 3000; t += 5) {
      for (let leaf = 0; leaf < 3; leaf++) {
        p.deadlineMs(leaf, 100, t);
        p.observe(leaf, Outcome.ON_TIME, 1, t + 1);
      }
    }
    // Told floor((d - 5) x share - deduction) >= minBidderMs: d >= 10 / 0.5 + 5, (20 + 4) + 5, 10 + 5; 1 ms over.
    expect([0, 1, 2].map((leaf) => p.deadlineMs(leaf, 100, 3000))).toEqual([26, 30, 16]);
  });
});

describe('fanoutPolicy in a segment', () => {
  it('caps a live segment at its share of qps and gives its throttle a stream of its own', () => {
    const raw = {
      mode: 'live',
      auction: { throttle: { minShare: 0.5, windowSec: 1 } },
      bidders: [{ name: 'a', qps: 100 }],
    };
    const of = (mode: string, segment?: { index: number; count: number }) =>
      fanoutPolicy(valid({ ...raw, mode }), segment)!;
    // Its bucket holds 0.1 s of its cap: 10 tokens whole, 2.5 in each of 4 segments (2 whole ones).
    const taken = (p: PolicySet): number => Array.from({ length: 20 }, () => p.cap!.take(0, 0)).filter(Boolean).length;
    expect(taken(of('live'))).toBe(10);
    expect(taken(of('live', { index: 0, count: 4 }))).toBe(2);
    // Which requests the throttle holds back, as the leaf times out throughout.
    const fates = (p: PolicySet): string => {
      let out = '';
      for (let t = 0; t < 3000; t += 10) {
        out += p.admit(0, t) === 'throttled' ? '0' : '1';
        p.observe(0, Outcome.TIMED_OUT, NaN, t + 5);
      }
      return out;
    };
    expect(fates(of('live', { index: 0, count: 4 }))).toContain('0');
    expect(fates(of('live', { index: 0, count: 4 }))).not.toBe(fates(of('live', { index: 1, count: 4 })));
    // A virtual segment with policies simulates the whole run: the whole run's cap and draws.
    expect(taken(of('virtual', { index: 1, count: 4 }))).toBe(10);
    expect(fates(of('virtual', { index: 1, count: 4 }))).toBe(fates(of('virtual')));
  });
});
