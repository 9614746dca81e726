import { describe, expect, it } from 'vitest';
import { valid } from '../../../test/helpers/scenarios.js';
import { segmentNote, segmentWorkShare, sharedStateField, simulatesWholeRun } from './segment-state.js';

const plain = { mode: 'virtual', bidders: [{ name: 'a', count: 2 }] };
const group = (extra: object) => ({
  ...plain,
  bidders: [
    { name: 'a', count: 2 },
    { name: 'b', ...extra },
  ],
});

describe('state one auction leaves for the next', () => {
  it('names the first field that carries it, or null', () => {
    expect(sharedStateField(valid(plain))).toBeNull();
    expect(sharedStateField(valid(group({ capacity: { concurrency: 2, queue: 1 } })))).toBe('bidders[1].capacity');
    expect(sharedStateField(valid(group({ qps: 10 })))).toBe('bidders[1].qps');
    expect(sharedStateField(valid(group({ faults: { disconnect: 0.01 } })))).toBe('bidders[1].faults.disconnect');
    // Over HTTP a disconnect fails one request; reading tmax without a queue decides each request alone.
    expect(sharedStateField(valid(group({ transport: 'http', faults: { disconnect: 0.01 } })))).toBeNull();
    expect(sharedStateField(valid(group({ bid: { respectTmax: true } })))).toBeNull();
    expect(sharedStateField(valid({ ...plain, auction: { throttle: {} } }))).toBe('auction.throttle');
    expect(sharedStateField(valid({ ...plain, auction: { adaptive: {} } }))).toBe('auction.adaptive');
  });

  it('makes a virtual segment simulate the whole run, and hold it to the whole run limits', () => {
    const busy = valid(group({ capacity: { concurrency: 2, queue: 1 } }));
    expect(simulatesWholeRun(busy)).toBe(true);
    expect(segmentWorkShare(busy, 4)).toBe(1);
    // Live, each segment runs its own stripe against the hosts' real queues.
    const live = { ...busy, mode: 'live' as const };
    expect(simulatesWholeRun(live)).toBe(false);
    expect(segmentWorkShare(live, 4)).toBe(0.25);
    expect(segmentWorkShare(valid(plain), 4)).toBe(0.25);
    expect(segmentWorkShare(valid(plain), 1)).toBe(1);
  });

  it('tells a live segment with a bidder host of its own that its queues see only its share, a virtual one what it costs', () => {
    const busy = { ...valid(group({ capacity: { concurrency: 2, queue: 1 } })), mode: 'live' as const };
    expect(segmentNote(busy, 3, false)).toMatch(/^note: bidders\[1\]\.capacity: .* only its 1\/3 of the requests/);
    expect(segmentNote(busy, 3, true)).toBeNull();
    expect(segmentNote(busy, 1, false)).toBeNull();
    // Virtual, the segment simulates the whole run: it is told what that costs.
    expect(segmentNote({ ...busy, mode: 'virtual' }, 3, false)).toMatch(
      /^note: bidders\[1\]\.capacity carries state .* each takes as long as the whole run/,
    );
    expect(segmentNote(valid(plain), 3, false)).toBeNull();
    const shared = { ...busy, bidders: busy.bidders.map((g) => ({ ...g, hosts: ['ws://127.0.0.1:1'] })) };
    expect(segmentNote(shared, 3, false)).toBeNull();
  });
});
