import { describe, expect, it } from 'vitest';
import { InFlightAuction } from '../../exchange/in-flight.js';
import { DeadlineSeries, MAX_POINTS } from './deadline-series.js';
import { Metrics } from './metrics.js';
import { buildSummary } from './summary.js';
import { testSummaryInput } from '../../../test/helpers/summary-input.js';

describe('DeadlineSeries', () => {
  it('keeps one point a second while it can, each leaf its own', () => {
    let now = 0;
    const s = new DeadlineSeries(2, (leaf) => (leaf === 0 ? 100 - now : 50));
    for (now = 3; now < 13; now++) s.sample(now);
    expect(s.summary(0)).toEqual({ fromSec: 3, stepSec: 1, ms: [97, 96, 95, 94, 93, 92, 91, 90, 89, 88] });
    expect(s.summary(1).ms).toEqual(Array(10).fill(50));
  });

  it('stays within MAX_POINTS over a long run, each point the mean of its seconds', () => {
    let now = 0;
    const s = new DeadlineSeries(1, () => now);
    const seconds = 10_000;
    for (now = 0; now < seconds; now++) s.sample(now);
    const { stepSec, ms, fromSec } = s.summary(0);
    expect(fromSec).toBe(0);
    expect(ms.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(ms.length).toBeGreaterThanOrEqual(MAX_POINTS / 2);
    expect(stepSec).toBe(256);
    // Point i covers seconds [i × step, (i + 1) × step): the mean of those is its middle.
    expect(ms[0]).toBe((stepSec - 1) / 2);
    expect(ms[5]).toBe(5 * stepSec + (stepSec - 1) / 2);
    // The last, partial point: the seconds from 39 × 256 = 9,984 to 9,999.
    expect(ms.length).toBe(40);
    expect(ms.at(-1)).toBe((9984 + 9999) / 2);
  });
});

describe("Metrics' deadline series", () => {
  /** Only the arrival matters to the series. */
  const auction = (arrivalMs: number): InFlightAuction =>
    new InFlightAuction(
      { id: String(arrivalMs), imp: [], tmax: 100, at: 1, cur: ['USD'] },
      arrivalMs,
      arrivalMs,
      arrivalMs + 100,
      arrivalMs,
      1,
    );

  it('reads each second of the measured stretch as it begins, and reaches summary.json', () => {
    const m = new Metrics([{ name: 'a-1', group: 'a' }]);
    m.begin(0, 2000);
    let deadline = 100;
    m.trackDeadlines(() => deadline);
    m.onScatter(auction(500), 1);
    // The first counted auction, in second 2: seconds 0 and 1 were warm-up, and are not read.
    deadline = 80;
    m.onScatter(auction(2100), 1);
    deadline = 60;
    m.onScatter(auction(2900), 1);
    // No arrival in second 3: second 4's first auction reads both, as the deadline stood.
    m.onScatter(auction(4500), 1);
    const input = testSummaryInput({ scenario: 't', mode: 'virtual', tmaxMs: 100, floor: 0, leaves: 1 });
    expect(buildSummary(m, input).bidders['a-1']!.deadlineMs).toEqual({ fromSec: 2, stepSec: 1, ms: [80, 60, 60] });
    // Without adaptive timeouts the field is absent, so such summaries are as before.
    const off = buildSummary(new Metrics([{ name: 'a-1', group: 'a' }]), input);
    expect('deadlineMs' in off.bidders['a-1']!).toBe(false);
  });
});
