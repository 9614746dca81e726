// A cheap front for HdrHistogram.recordValue on per-response paths. HdrHistogramJS finds a value's
// bucket with Math.log2 and Math.pow (about 80 ns a value in a profile of virtual runs, ~9% of the
// run); this finds the same bucket with clz32 and shifts, counts into a flat array, and pours the
// counts into a real histogram when it is read. Same buckets as newHistogram() (3 significant
// digits: 2048 sub-buckets, unit 1 µs), so the result is the histogram direct recording builds.

import { JsHistogram } from 'hdr-histogram-js';
import { newHistogram, recordMs, type Histogram } from './histogram.js';

/** log2 of half the sub-bucket count for 3 significant digits. */
const HALF_MAGNITUDE = 10;
const HALF = 1 << HALF_MAGNITUDE;
/** Values from 2^31 µs (about 36 minutes) up go straight to the histogram. */
const LIMIT = 2 ** 31;
const CARRY = 0x10000;

function indexOf(us: number): number {
  const bucket = Math.max(0, 31 - Math.clz32(us) - HALF_MAGNITUDE);
  return (bucket + 1) * HALF + (us >>> bucket) - HALF;
}

export class HistogramRecorder {
  /**
   * 16-bit counts keep the array small enough to stay in cache with dozens of recorders (a run keeps
   * two per leaf); a count that would reach 2^16 is carried into `carries` instead.
   */
  private counts = new Uint16Array(HALF * 8);
  /** One entry per CARRY counts taken out of `counts[index]`: the index. */
  private readonly carries: number[] = [];
  private readonly overflow: number[] = [];
  /** The exact extremes (µs), recorded as themselves so min and max match direct recording. */
  private minUs = Infinity;
  private maxUs = -1;
  /** The smallest value above 0 (µs): what HdrHistogram reports as minNonZeroValue. */
  private minNonZeroUs = Infinity;

  /** Record milliseconds as HdrHistogram would (rounded to µs, negatives as 0). */
  recordMs(ms: number): void {
    const us = ms <= 0 ? 0 : Math.round(ms * 1000);
    if (us >= LIMIT) {
      this.overflow.push(ms);
      return;
    }
    if (us < this.minUs) this.minUs = us;
    if (us > 0 && us < this.minNonZeroUs) this.minNonZeroUs = us;
    if (us > this.maxUs) this.maxUs = us;
    const index = indexOf(us);
    let counts = this.counts;
    if (index >= counts.length) {
      const grown = new Uint16Array(Math.max(index + 1, counts.length * 2));
      grown.set(counts);
      this.counts = counts = grown;
    }
    const c = counts[index]! + 1;
    if (c === CARRY) {
      this.carries.push(index);
      counts[index] = 0;
    } else {
      counts[index] = c;
    }
  }

  /** Move everything recorded so far into `h` (a newHistogram()), leaving this recorder empty. */
  pourInto(h: Histogram): void {
    const minUs = this.minUs;
    const maxUs = this.maxUs;
    if (maxUs >= 0) {
      if (!(h instanceof JsHistogram))
        throw new TypeError('HistogramRecorder pours into a JS histogram (newHistogram())');
      // Only the buckets between the extremes can hold counts. Pouring is rare (when a report reads
      // the histogram), so whole counts in a wider array keep it simple.
      const from = indexOf(minUs);
      const to = indexOf(maxUs);
      const counts = new Float64Array(this.counts.subarray(from, to + 1));
      for (const index of this.carries) counts[index - from]! += CARRY;
      this.counts.fill(0, from, to + 1);
      this.carries.length = 0;
      // The extremes, taken out of their buckets and recorded as themselves: that sets the
      // histogram's min, max and smallest non-zero value as recording every value would, and grows
      // it to hold the max. (All values equal: one record sets them all.)
      const take = (us: number): void => {
        counts[indexOf(us) - from]!--;
        h.recordValue(us);
      };
      take(minUs);
      if (maxUs !== minUs) take(maxUs);
      const minNonZeroUs = this.minNonZeroUs;
      if (minNonZeroUs !== Infinity && minNonZeroUs !== minUs && minNonZeroUs !== maxUs) take(minNonZeroUs);
      // Recording the max grew the histogram to hold every index below; a count added past its end
      // would be lost without a word (typed arrays ignore such writes).
      if (to >= h.countsArrayLength)
        throw new RangeError(`histogram holds ${h.countsArrayLength} counts, pouring needs index ${to}`);
      // Every other count goes straight to its index, the same in both (3 significant digits, unit
      // 1 µs): HdrHistogram's recordValueWithCount finds an index with log2 and pow, about 0.2 µs
      // for each of the thousands of buckets a leaf's response times fill.
      let total = 0;
      for (let i = 0; i < counts.length; i++) {
        const n = counts[i]!;
        if (n === 0) continue;
        h.addToCountAtIndex(from + i, n);
        total += n;
      }
      h.setTotalCount(h.totalCount + total);
    }
    for (const ms of this.overflow) recordMs(h, ms);
    this.overflow.length = 0;
    this.minUs = Infinity;
    this.maxUs = -1;
    this.minNonZeroUs = Infinity;
  }
}

/** A histogram fed through a HistogramRecorder: cheap to record into, exact when read. */
export class RecordedHistogram {
  private readonly recorder = new HistogramRecorder();
  private readonly h: Histogram = newHistogram();

  recordMs(ms: number): void {
    this.recorder.recordMs(ms);
  }

  /** The histogram of everything recorded so far. */
  get histogram(): Histogram {
    this.recorder.pourInto(this.h);
    return this.h;
  }
}
