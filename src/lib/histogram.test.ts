import { createHistogram } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { fromNodeHistogram } from './histogram.js';

describe('fromNodeHistogram', () => {
  it("keeps every value's count: each percentile reads as Node's, in µs less the offset", () => {
    const rng = seedrandom('eld');
    const node = createHistogram();
    // Event-loop-like samples in ns: 10 ms intervals with a heavy tail of lateness.
    for (let i = 0; i < 20_000; i++) node.record(10_000_000 + Math.floor(rng() ** 6 * 40_000_000));
    const h = fromNodeHistogram(node, 10_000);
    expect(h.totalCount).toBe(node.count);
    for (const p of [1, 10, 50, 75, 90, 99, 99.9, 99.99, 100]) {
      const want = Math.max(0, Math.round(node.percentile(p) / 1000 - 10_000));
      // Ours buckets µs to 3 significant digits, so a value reads within its bucket's width.
      expect(Math.abs(h.getValueAtPercentile(p) - want)).toBeLessThanOrEqual(Math.max(1, want / 1000));
    }
  });

  it('is empty for an empty histogram, and clamps values below the offset at 0', () => {
    expect(fromNodeHistogram(createHistogram()).totalCount).toBe(0);
    const node = createHistogram();
    node.record(5_000_000);
    node.record(5_000_000);
    const h = fromNodeHistogram(node, 10_000);
    expect(h.totalCount).toBe(2);
    expect(h.maxValue).toBe(0);
  });
});
