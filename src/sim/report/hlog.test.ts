import { HistogramLogReader, listTags } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { newHistogram, recordMs } from '../../lib/histogram.js';
import { hlogText, readHlog } from './hlog.js';

function hist(values: number[]) {
  const h = newHistogram();
  for (const v of values) recordMs(h, v);
  return h;
}

describe('histograms.hlog', () => {
  const a = hist([1, 2, 3.5, 40, 1200]);
  const b = hist([0.25, 0.25, 9]);
  const text = hlogText(
    [
      ['metrics.auctionLatency', a],
      ['leaf.responses.a%2Cb', b],
    ],
    { startEpochMs: Date.UTC(2026, 0, 1), fromSec: 1, toSec: 11.5 },
  );

  it("is HdrHistogram's log format: one tagged interval per histogram that its own reader reads", () => {
    expect(text).toMatch(/^#\[Histogram log format version 1\.3\]\n/);
    expect(listTags(text)).toEqual(['metrics.auctionLatency', 'leaf.responses.a%2Cb']);
    const reader = new HistogramLogReader(text);
    const first = reader.nextIntervalHistogram()!;
    expect(first.tag).toBe('metrics.auctionLatency');
    expect(first.totalCount).toBe(5);
    // Its encoding keeps counts per bucket: the decoded max is the top of the max's bucket.
    expect(first.maxValue).toBeGreaterThanOrEqual(a.maxValue);
    expect(first.maxValue).toBeLessThan(a.maxValue * 1.001);
    expect(first.startTimeStampMsec).toBe(Date.UTC(2026, 0, 1) + 1000);
    expect(first.endTimeStampMsec).toBe(Date.UTC(2026, 0, 1) + 11_500);
    // Its max is written in ms.
    expect(text).toContain('Tag=metrics.auctionLatency,1.000,10.500,1200.');
  });

  it('reads back every histogram exactly, by tag, leaving the originals untagged', () => {
    const back = readHlog(text);
    expect([...back.keys()]).toEqual(['metrics.auctionLatency', 'leaf.responses.a%2Cb']);
    for (const [tag, h] of [
      ['metrics.auctionLatency', a],
      ['leaf.responses.a%2Cb', b],
    ] as const) {
      const got = back.get(tag)!;
      expect(got.totalCount).toBe(h.totalCount);
      // The exact max, from the line's Interval_Max.
      expect(got.maxValue).toBe(h.maxValue);
      expect(got.outputPercentileDistribution()).toBe(h.outputPercentileDistribution());
    }
    expect(a.tag).not.toBe('metrics.auctionLatency');
  });

  it('adds intervals of one tag, as logs of several processes add up', () => {
    const twice = readHlog(
      text +
        text
          .split('\n')
          .filter((l) => l.startsWith('Tag='))
          .join('\n'),
    );
    expect(twice.get('metrics.auctionLatency')!.totalCount).toBe(10);
    expect(twice.get('metrics.auctionLatency')!.maxValue).toBe(1_200_000);
  });

  it('names the line that is no interval histogram', () => {
    expect(() => readHlog(`${text}Tag=x,1,2,3,not-base64!\n`)).toThrow(/^line 7 is not an interval histogram/);
    expect(() => readHlog('garbage\n')).toThrow(/^line 1 /);
  });
});
