import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs } from '../../protocol/histogram.js';
import { DelayRecorder } from './delay-recorder.js';

describe('DelayRecorder', () => {
  it('builds the same histogram as recording each value directly', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -1, max: 100_000, noNaN: true }), fc.constantFrom(0, 0.0004, 1, 2.047, 2.048, 1e7)), { maxLength: 300 }), (values) => {
        const direct = newHistogram();
        const r = new DelayRecorder();
        for (const v of values) {
          recordMs(direct, v);
          r.recordMs(v);
        }
        const poured = newHistogram();
        r.pourInto(poured);
        expect(poured.totalCount).toBe(direct.totalCount);
        expect(poured.maxValue).toBe(direct.maxValue);
        expect(poured.minNonZeroValue).toBe(direct.minNonZeroValue);
        for (const p of [0, 50, 90, 99, 99.9, 100]) expect(poured.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
        expect(encodeHistogram(poured)).toBe(encodeHistogram(direct));
      }),
    );
  });
});
