import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs } from './histogram.js';
import { HistogramRecorder, RecordedHistogram } from './histogram-recorder.js';

describe('HistogramRecorder', () => {
  it('builds the same histogram as recording each value directly', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -1, max: 100_000, noNaN: true }),
            fc.constantFrom(0, 0.0004, 1, 2.047, 2.048, 70_000, 90_000, 1e7),
          ),
          { maxLength: 300 },
        ),
        (values) => {
          const direct = newHistogram();
          const r = new HistogramRecorder();
          for (const v of values) {
            recordMs(direct, v);
            r.recordMs(v);
          }
          const poured = newHistogram();
          r.pourInto(poured);
          expect(poured.totalCount).toBe(direct.totalCount);
          expect(poured.maxValue).toBe(direct.maxValue);
          expect(poured.minNonZeroValue).toBe(direct.minNonZeroValue);
          for (const p of [0, 50, 90, 99, 99.9, 100])
            expect(poured.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
          expect(encodeHistogram(poured)).toBe(encodeHistogram(direct));
        },
      ),
      // Found by a run: the smallest non-zero value shares its 2 µs bucket with the maximum. And
      // two values past the histogram's starting range above a small one: their counts land only
      // if the histogram has grown to hold the max before they are added.
      { examples: [[[2.0685, 2.0685, 0]], [[1, 70_000, 90_000]]] },
    );
  });

  it('keeps counts past 16 bits in one bucket, with the extremes in that bucket too', () => {
    const direct = newHistogram();
    const r = new HistogramRecorder();
    // 2^16 + 2^16 + 3 values in one bucket: two carries, and the min and max taken out of a bucket
    // whose 16-bit count has wrapped to a small number.
    for (let i = 0; i < 2 * 65_536 + 3; i++) {
      const v = 12.5 + (i % 3) * 0.001;
      recordMs(direct, v);
      r.recordMs(v);
    }
    const poured = newHistogram();
    r.pourInto(poured);
    expect(poured.totalCount).toBe(2 * 65_536 + 3);
    expect(encodeHistogram(poured)).toBe(encodeHistogram(direct));
    // And the recorder starts empty again.
    r.recordMs(1);
    const again = newHistogram();
    r.pourInto(again);
    expect(again.totalCount).toBe(1);
  });
});

describe('RecordedHistogram', () => {
  it('reads the same as direct recording however the reads and records interleave', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 100_000, noNaN: true }), fc.constantFrom(0, 70_000, 90_000, 1e7));
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constant('read' as const)), { maxLength: 200 }), (steps) => {
        const direct = newHistogram();
        const r = new RecordedHistogram();
        for (const step of steps) {
          if (step === 'read') {
            // Each read pours into the same histogram, which may have to grow.
            const h = r.histogram;
            expect([h.totalCount, h.maxValue, h.minNonZeroValue]).toEqual([
              direct.totalCount,
              direct.maxValue,
              direct.minNonZeroValue,
            ]);
          } else {
            recordMs(direct, step);
            r.recordMs(step);
          }
        }
        expect(encodeHistogram(r.histogram)).toBe(encodeHistogram(direct));
      }),
    );
  });
});
