import { describe, expect, it } from 'vitest';
import { InFlightAuction } from '../../exchange/in-flight.js';
import type { BidRequest } from '../../protocol/openrtb.js';
import { Metrics } from './metrics.js';

const request = (id: string): BidRequest => ({
  id,
  imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }],
  tmax: 95,
  at: 1,
  cur: ['USD'],
});
const auction = (id: string, arrivalMs: number) =>
  new InFlightAuction(request(id), arrivalMs, arrivalMs, arrivalMs + 100, arrivalMs, 1);

describe('Metrics warm-up', () => {
  it('leaves out strays, drops and their reasons until the first counted auction arrives', () => {
    const m = new Metrics([{ name: 'a-1', group: 'a' }]);
    m.begin(0, 1000);
    m.onScatter(auction('w', 500), 1);
    m.onStray(0, 'not-json');
    m.onLink(0, false, 500);
    m.onDropped(0, 'slow-reader');
    expect(m.leaves[0]!.stray).toBe(0);
    expect(m.leaves[0]!.drops).toBe(0);
    expect(m.leaves[0]!.invalidReasons.size).toBe(0);
    expect(m.leaves[0]!.sent).toBe(0);

    m.onScatter(auction('c', 1000), 1);
    m.onStray(0, 'not-json');
    m.onLink(0, false, 1000);
    m.onDropped(0, 'slow-reader');
    expect(m.leaves[0]!.sent).toBe(1);
    expect(m.leaves[0]!.stray).toBe(1);
    expect(m.leaves[0]!.drops).toBe(1);
    expect(Object.fromEntries(m.leaves[0]!.invalidReasons)).toEqual({ 'not-json': 1, 'slow-reader': 1 });
  });
});

describe('Metrics time disconnected', () => {
  it('counts the time each link was down within the measured stretch, one still down until its end', () => {
    const m = new Metrics([
      { name: 'a-1', group: 'a' },
      { name: 'b-1', group: 'b' },
      { name: 'c-1', group: 'c' },
    ]);
    m.begin(0, 1000);
    // a: down 400..1300 (300 ms after the warm-up), then 2000..2500; b: down from 2800 to the end
    // (3000) and up after it; c: never down. A second "down" while down changes nothing.
    m.onLink(0, false, 400);
    m.onLink(0, false, 900);
    m.onLink(0, true, 1300);
    m.onLink(0, false, 2000);
    m.onLink(0, true, 2500);
    m.onLink(1, false, 2800);
    m.onLink(1, true, 3500);
    m.onLink(2, true, 100);
    m.end(3000);
    expect(m.leaves.map((c) => c.downMs)).toEqual([800, 200, 0]);
  });
});

describe('Metrics time disconnected, over a long run', () => {
  it('settles each down span as the next auction arrives: a link that flaps all day keeps no list', () => {
    const m = new Metrics([{ name: 'a-1', group: 'a' }]);
    m.begin(0, 1000);
    const c = m.leaves[0]!;
    let expected = 0;
    let longest = 0;
    // 100,000 flaps, each down 3 ms of every 10, with an auction arriving every 5 ms; then a last
    // span that the end (the last arrival) cuts short.
    let t = 0;
    for (let i = 0; i < 100_000; i++, t += 10) {
      m.onSkipped({ arrivalMs: t } as InFlightAuction);
      m.onLink(0, false, t + 1);
      m.onLink(0, true, t + 4);
      m.onSkipped({ arrivalMs: t + 5 } as InFlightAuction);
      expected += Math.max(0, t + 4 - Math.max(t + 1, 1000));
      longest = Math.max(longest, c.downPending.length);
    }
    m.onSkipped({ arrivalMs: t } as InFlightAuction);
    m.onLink(0, false, t + 1);
    m.onLink(0, true, t + 50);
    m.end(t + 20);
    expect(c.downMs).toBeCloseTo(expected + 19, 6);
    expect(longest).toBeLessThanOrEqual(2);
    // Drops count from the first measured auction (t = 1000): the 99,900 flaps after it and the last.
    expect(c.drops).toBe(99_901);
  });
});
