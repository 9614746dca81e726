// The pure bidder decision: a bid request and the leaf's own seeded random stream in, what the leaf
// does (answer after a delay, answer garbage, stay silent, drop the connection) out. No sockets or
// timers: the bidder host (live) and the virtual-time engine both carry out the same decisions.

import seedrandom from 'seedrandom';
import { NoBidReason } from '../protocol/codes.js';
import type { Bid, BidRequest, BidResponse } from '../protocol/openrtb.js';
import { BUSY } from './capacity.js';
import type { LeafConfig, Rng } from './config.js';
import { latencySampler } from './latency-models.js';
import { priceSampler } from './price-models.js';

export type Decision =
  /** A bid or an explicit no-bid (`{ id, nbr: NoBidReason.UNMATCHED_USER }`) after `delayMs`. */
  | { kind: 'respond'; delayMs: number; response: BidResponse }
  /** The host sends text that is not valid JSON after `delayMs`. */
  | { kind: 'malformed'; delayMs: number }
  /** The leaf never answers (the timeout fault). */
  | { kind: 'silent' }
  /** The host drops the connection after `delayMs`. */
  | { kind: 'disconnect'; delayMs: number };

/**
 * Everything random about a leaf's answer to one request, drawn when the request arrives; the answer
 * itself is built from it later (`Leaf.answer`), and deterministically. The bidder host builds it at
 * once; virtual time keeps only the draw while the answer is in flight (about a fifth of the bytes of
 * a built response, which the young-generation collector would otherwise copy for every answer
 * pending at a scavenge) and builds the response when it is delivered.
 */
export class Draw {
  constructor(
    /**
     * The request's id and impressions, all an answer names: not the request itself, whose site,
     * device and user would then stay alive for as long as a late answer is in flight.
     */
    readonly id: string,
    readonly imp: BidRequest['imp'],
    readonly kind: 'silent' | 'malformed' | 'disconnect' | 'no-bid' | 'bid',
    readonly delayMs: number,
    /** The first bid's number: bid i of this answer has id `String(firstBid + i)`. */
    readonly firstBid: number,
    /** The bid's price when there is one impression (`prices` is then null). */
    readonly price: number,
    /** Every impression's price, in `imp` order, when there are several. */
    readonly prices: readonly number[] | null,
  ) {}
}

export interface Leaf {
  readonly name: string;
  readonly group: string;
  /** Draw the answer to `req`: the only step that advances the leaf's random stream. */
  draw(req: BidRequest): Draw;
  /** The response a 'bid' or 'no-bid' draw makes (a new object each call). */
  answer(d: Draw): BidResponse;
  /** Draw and, where there is one, build the answer at once: what the bidder host carries out. */
  decide(req: BidRequest): Decision;
}

/**
 * The leaf's own random stream, seeded from the scenario seed and the leaf's name only, so adding,
 * removing or reordering other leaves never changes what this one draws. Alea rather than
 * seedrandom's default ARC4: it passes the same statistical suites and costs about a third as much
 * per draw, which matters at 3-4 draws per request and a million requests per second in virtual time.
 */
export function leafRng(seed: number | string, leafName: string): Rng {
  return seedrandom.alea(`${seed}/${leafName}`);
}

/** Prices go on the wire with 4 decimals. */
const PRICE_SCALE = 1e4;

function roundPrice(price: number): number {
  // Dividing by the exact integer scale gives the double nearest the decimal (no 1.6000000000000003).
  // A value so small it would round to 0 would be an invalid bid, not a low one: keep it positive.
  return Math.max(1, Math.round(price * PRICE_SCALE)) / PRICE_SCALE;
}

/**
 * A leaf that decides each request from its config and its own stream (`leafRng(seed, config.name)`).
 *
 * Draw order per request, always all of it whichever branch is taken, so the stream position after
 * request k depends only on k and the impression counts (live and virtual runs stay aligned, and a
 * fault rate change does not reshuffle latencies or prices):
 *   1. one draw for the fault: u < timeout → silent; < timeout + malformed → malformed;
 *      < timeout + malformed + disconnect → disconnect;
 *   2. the latency sample (one draw; two for a mixture latency model);
 *   3. one draw for bid against no-bid: u < bid.rate → bid;
 *   4. one price draw per impression, in `req.imp` order (one bid per impression, price = value *
 *      shade rounded to 4 decimals, bid even below the floor: the exchange rejects it with 100).
 */
export function createLeaf(config: LeafConfig, seed: number | string): Leaf {
  const { name, group } = config;
  const rng = leafRng(seed, name);
  const latency = latencySampler(config.latency);
  const price = priceSampler(config.bid.price);
  const { rate, shade } = config.bid;
  const silentBelow = config.faults.timeout;
  const malformedBelow = silentBelow + config.faults.malformed;
  const disconnectBelow = malformedBelow + config.faults.disconnect;
  // Shared by every bid of this leaf: responses are read-only once returned (they are serialised or
  // read by the exchange, never edited), so there is no need to allocate these per bid.
  const crid = `${name}-creative`;
  const adomain = [`${name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}.example`];
  const silent: Decision = { kind: 'silent' };
  let bidCounter = 0;

  const draw = (req: BidRequest): Draw => {
    const uFault = rng();
    const delayMs = latency(rng);
    const uBid = rng();
    const imps = req.imp;
    const n = imps.length;
    const faulty = uFault < disconnectBelow;
    if (faulty || uBid >= rate) {
      // Take the price draws anyway (see the draw order above).
      for (let i = 0; i < n; i++) price(rng);
      const kind =
        uFault < silentBelow ? 'silent' : uFault < malformedBelow ? 'malformed' : faulty ? 'disconnect' : 'no-bid';
      return new Draw(req.id, imps, kind, delayMs, 0, 0, null);
    }
    const firstBid = bidCounter + 1;
    bidCounter += n;
    if (n === 1) return new Draw(req.id, imps, 'bid', delayMs, firstBid, roundPrice(price(rng) * shade), null);
    const prices = new Array<number>(n);
    for (let i = 0; i < n; i++) prices[i] = roundPrice(price(rng) * shade);
    return new Draw(req.id, imps, 'bid', delayMs, firstBid, 0, prices);
  };

  const answer = (d: Draw): BidResponse => {
    if (d.kind !== 'bid') {
      if (d.kind !== 'no-bid') throw new Error(`leaf ${name}: a '${d.kind}' draw has no response`);
      return { id: d.id, nbr: NoBidReason.UNMATCHED_USER };
    }
    const imps = d.imp;
    const prices = d.prices;
    const bids: Bid[] = new Array<Bid>(imps.length);
    for (let i = 0; i < imps.length; i++) {
      bids[i] = {
        id: String(d.firstBid + i),
        impid: imps[i]!.id,
        price: prices === null ? d.price : prices[i]!,
        crid,
        adomain,
      };
    }
    return { id: d.id, seatbid: [{ seat: name, bid: bids }], cur: 'USD' };
  };

  return {
    name,
    group,
    draw,
    answer,
    decide(req: BidRequest): Decision {
      const d = draw(req);
      switch (d.kind) {
        case 'silent':
          return silent;
        case 'malformed':
          return { kind: 'malformed', delayMs: d.delayMs };
        case 'disconnect':
          return { kind: 'disconnect', delayMs: d.delayMs };
        default:
          return { kind: 'respond', delayMs: d.delayMs, response: answer(d) };
      }
    },
  };
}

/**
 * The no-bid a leaf answers at once when its server refuses a request (capacity.ts): technical error
 * (1) when every server is busy and the queue full, insufficient auction time (15) when it would not
 * finish within the request's tmax. `why` is what LeafServer.admit returned: BUSY or TOO_LATE.
 */
export function refusal(id: string, why: number): BidResponse {
  return { id, nbr: why === BUSY ? NoBidReason.TECHNICAL_ERROR : NoBidReason.INSUFFICIENT_AUCTION_TIME };
}

/** The text of a 'malformed' decision: it names its request, then stops being JSON (as a truncated body would). */
export function malformed(id: string): string {
  return `{"id":${JSON.stringify(id)},"seatbid":[{"bid":[{"price":1.0,`;
}
