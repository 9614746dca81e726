// Links without sockets for exchange tests on a manual clock: each records the requests it was sent
// (with the tmax it was told at that moment, since the exchange reuses one request object) and the
// test answers through the exchange's LinkHandler methods.

import type { LeafTerms } from '../../src/exchange/leaf-plan.js';
import type { Link } from '../../src/exchange/link.js';
import type { BidRequest, Notice } from '../../src/protocol/openrtb.js';

export interface Sent {
  id: string;
  tmax: number;
  /** The request as the wire would carry it, when the link asked for text. */
  text: string | null;
  /** The buffer handed over, to tell a shared one from a copy. */
  buffer: Buffer;
}

export class FakeLink implements Link {
  readonly sent: Sent[] = [];
  readonly notices: Notice[] = [];
  up = true;
  constructor(readonly wantsText = false) {}

  sendRequest(text: Buffer, request: BidRequest): boolean {
    if (!this.up) return false;
    this.sent.push({ id: request.id, tmax: request.tmax, text: this.wantsText ? text.toString() : null, buffer: text });
    return true;
  }

  sendNotice(notice: Notice): void {
    this.notices.push(notice);
  }
}

export function fakeLinks(n: number, wantsText = false): FakeLink[] {
  return Array.from({ length: n }, () => new FakeLink(wantsText));
}

let seq = 0;
/** A one-impression request with a fresh id. */
export function fakeRequest(): BidRequest {
  seq++;
  return { id: `r${seq}`, imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }], tmax: 0, at: 1, cur: ['USD'] };
}

/** A bid of `price` on the request's impression. */
export function bidValue(id: string, price: number, seat = 's'): unknown {
  return { id, seatbid: [{ seat, bid: [{ id: `${seat}-b`, impid: '1', price }] }], cur: 'USD' };
}

/** A leaf's terms: its own deadline, the rest as an auction of tmax 100 with minBidderMs 10 has them. */
export function terms(deadlineMs: number, more: Partial<LeafTerms> = {}): LeafTerms {
  return { deadlineMs, toldDeductionMs: 0, toldShare: 1, minBidderMs: 10, secondary: false, ...more };
}
