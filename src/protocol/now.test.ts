import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { nowMs } from './now.js';

describe('nowMs', () => {
  it('reads the same clock as performance.now(), to within a few microseconds, and never goes back', () => {
    let last = -Infinity;
    for (let i = 0; i < 10_000; i++) {
      const a = performance.now();
      const t = nowMs();
      const b = performance.now();
      // A reading taken between two others lies between them (less rounding and clock granularity).
      expect(t).toBeGreaterThanOrEqual(a - 0.005);
      expect(t).toBeLessThanOrEqual(b + 0.005);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
