import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs } from '../../lib/histogram.js';
import { gridX, spectrum } from './spectrum.js';

describe('spectrum', () => {
  it('puts p = 50%, 90%, 99% at x = 2, 10, 100 and reads the histogram there, in ms', () => {
    const h = newHistogram();
    for (let i = 1; i <= 10_000; i++) recordMs(h, i / 100);
    const sp = spectrum([h]);
    const at = (x: number): number | null =>
      sp.series[0]!.values[sp.x.findIndex((v) => Math.abs(v - x) < 1e-6)] ?? null;
    expect(gridX(10)).toBeCloseTo(10);
    expect(at(10)).toBeCloseTo(h.getValueAtPercentile(90) / 1000, 3);
    expect(at(100)).toBeCloseTo(h.getValueAtPercentile(99) / 1000, 3);
    expect(at(1000)).toBeCloseTo(h.getValueAtPercentile(99.9) / 1000, 3);
    // The series ends at x = count with the maximum.
    expect(sp.x.at(-1)).toBe(10_000);
    expect(sp.series[0]!.values.at(-1)).toBeCloseTo(h.getValueAtPercentile(100) / 1000, 3);
  });

  it('is non-decreasing along each series, and shares one x axis across series of different sizes', () => {
    const small = newHistogram();
    const big = newHistogram();
    for (let i = 0; i < 50; i++) recordMs(small, 5 + (i % 7));
    for (let i = 0; i < 100_000; i++) recordMs(big, 1 + ((i * 7919) % 1000) / 10);
    const sp = spectrum([small, big]);
    for (const s of sp.series) {
      expect(s.values).toHaveLength(sp.x.length);
      const v = s.values.filter((x): x is number => x !== null);
      for (let i = 1; i < v.length; i++) expect(v[i]!).toBeGreaterThanOrEqual(v[i - 1]!);
    }
    // The small series stops at its own count; the big one carries on.
    const smallLast = sp.x[sp.series[0]!.values.findLastIndex((v) => v !== null)];
    expect(smallLast).toBe(50);
    expect(sp.x.length).toBeLessThan(70);
  });

  it('gives an empty histogram no points', () => {
    const sp = spectrum([newHistogram()]);
    expect(sp.series[0]!.values.every((v) => v === null)).toBe(true);
  });
});
