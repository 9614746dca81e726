import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../protocol/openrtb.js';
import { InFlightAuction, KeptAuction } from './in-flight.js';
import { LateWindow } from './late-window.js';

function closedAt(id: string, closeMs: number): KeptAuction {
  const a = new InFlightAuction({ id, imp: [], tmax: 0, at: 1, cur: ['USD'] }, 0, 0, 100, 0, 1);
  a.closed = true;
  a.closeMs = closeMs;
  return new KeptAuction(a);
}

describe('LateWindow', () => {
  it('forgets auctions in close order once their window has passed, and no sooner', () => {
    const w = new LateWindow(1000);
    for (let i = 0; i < 200; i++) w.keep(closedAt(`a${i}`, i * 10));
    const forgotten: string[] = [];
    w.expire(1000 + 49, (a) => forgotten.push(a.request.id));
    expect(forgotten).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    w.expire(1000 + 1990, (a) => forgotten.push(a.request.id));
    expect(forgotten).toHaveLength(200);
    expect(forgotten.at(-1)).toBe('a199');
    // Compacted and still working after it.
    w.keep(closedAt('late', 5000));
    w.expire(5999, (a) => forgotten.push(a.request.id));
    expect(forgotten).toHaveLength(200);
    w.expire(6000, (a) => forgotten.push(a.request.id));
    expect(forgotten.at(-1)).toBe('late');
  });
});

describe('KeptAuction', () => {
  it('keeps what a late answer is checked against, shares the states, and lets the rest go', () => {
    const request: BidRequest = {
      id: 'r1',
      imp: [{ id: '1', bidfloor: 0.5, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }],
      tmax: 95,
      at: 2,
      cur: ['USD'],
      site: { id: 's', domain: 'example.com', page: 'https://example.com/a' },
      device: { ua: 'ua', ip: '192.0.2.1', devicetype: 2, os: 'Linux', language: 'en' },
      user: { id: 'u' },
    };
    const a = new InFlightAuction(request, 10, 10, 110, 11, 2);
    a.bids.push({ bidder: 0, bidId: 'b', impid: '1', price: 2, seq: 0 });
    a.closed = true;
    a.closeMs = 110;
    const k = new KeptAuction(a);
    expect(k.request).toEqual({ id: 'r1', imp: request.imp, tmax: 95, at: 2, cur: ['USD'] });
    expect(k).not.toHaveProperty('bids');
    expect(k).not.toHaveProperty('outcome');
    expect([k.arrivalMs, k.sentMs, k.closeMs, k.closed]).toEqual([10, 11, 110, true]);
    k.states[1] = 7;
    expect(a.states[1]).toBe(7);
    // The auction itself is untouched for whoever holds it.
    expect(a.request.site?.domain).toBe('example.com');
    expect(a.bids).toHaveLength(1);
  });
});
