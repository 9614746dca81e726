// The auction: bids in, each impression's winner and clearing price and each bid's loss reason out.
// Pure (no clock, no sockets), so live runs, virtual runs and the property tests share every line.
// Bids arrive already validated (parse.ts); inside, their types are trusted.

import { LossReason } from '../protocol/codes.js';
import type { BidSource } from '../protocol/openrtb.js';

/** An impression as the auction needs it: an OpenRTB Imp fits as it is. */
export interface ImpFloor {
  id: string;
  bidfloor: number;
}

export interface AuctionBid {
  bidder: number;
  bidId: string;
  impid: string;
  price: number;
  /** Arrival order, smaller = earlier; breaks ties between equal prices. */
  seq: number;
  /**
   * The bid as its bidder sent it, kept only for links that notify by the bid's URLs (HTTP); null
   * otherwise, so a WebSocket or virtual run holds no response past its parse. The auction reads none.
   */
  source?: BidSource | null;
}

export interface AuctionRules {
  type: 'first-price' | 'second-price';
  /** Added to the second price (never beyond the winner's bid). Ignored in first price. */
  increment: number;
}

export interface ImpOutcome {
  impid: string;
  /** Index into the input bids; -1 if unsold. */
  winner: number;
  /** 0 if unsold. */
  clearingPrice: number;
}

export interface AuctionOutcome {
  /** One per input impression, in the same order. */
  imps: ImpOutcome[];
  /** Per bid (same index as input): LossReason code, 0 = won. */
  reasons: number[];
  /** Per bid: the clearing price of the bid's impression (0 if unsold or unknown), as its notice carries. */
  prices: number[];
}

// Increments are decimal (0.01) and binary floats are not, so floor + increment gives
// 0.11000000000000001. Second prices are rounded to a millionth of a CPM unit, far below any
// currency's smallest unit, then clamped so the bounds hold exactly.
const PRICE_SCALE = 1e6;

/**
 * Runs each impression's auction independently. Impression ids are expected to be unique (the
 * exchange builds them from its own request). A bid below its impression's floor loses with
 * BELOW_FLOOR; of the rest the highest price wins, ties going to the smaller `seq`, and the others
 * lose with LOST_TO_HIGHER_BID; a bid for an impression not in `imps` gets INVALID_RESPONSE.
 * First price clears at the winner's bid; second price at the larger of the runner-up's bid and the
 * floor, plus the increment, never above the winner's bid.
 */
export function runAuction(
  imps: readonly ImpFloor[],
  bids: readonly AuctionBid[],
  rules: AuctionRules,
): AuctionOutcome {
  const n = bids.length;
  // Every bid starts as "no such impression"; the pass for its impression overwrites that.
  const reasons = new Array<number>(n).fill(LossReason.INVALID_RESPONSE);
  const prices = new Array<number>(n).fill(0);
  const outcomes: ImpOutcome[] = [];

  for (const imp of imps) {
    const impid = imp.id;
    const floor = imp.bidfloor;
    let winner = -1;
    let winnerPrice = 0;
    let winnerSeq = 0;
    // Highest price at or above the floor other than the winner's; the floor itself when none.
    let runnerUp = floor;

    for (let i = 0; i < n; i++) {
      const bid = bids[i];
      if (bid === undefined || bid.impid !== impid) continue;
      const price = bid.price;
      // Written as a negation so a NaN price, should one slip through, is below any floor.
      if (!(price >= floor)) {
        reasons[i] = LossReason.BELOW_FLOOR;
        continue;
      }
      reasons[i] = LossReason.LOST_TO_HIGHER_BID;
      if (winner === -1) {
        winner = i;
        winnerPrice = price;
        winnerSeq = bid.seq;
      } else if (price > winnerPrice || (price === winnerPrice && bid.seq < winnerSeq)) {
        if (winnerPrice > runnerUp) runnerUp = winnerPrice;
        winner = i;
        winnerPrice = price;
        winnerSeq = bid.seq;
      } else if (price > runnerUp) {
        runnerUp = price;
      }
    }

    if (winner === -1) {
      outcomes.push({ impid, winner: -1, clearingPrice: 0 });
      continue;
    }
    reasons[winner] = LossReason.WON;
    const clearing = rules.type === 'first-price' ? winnerPrice : secondPrice(winnerPrice, runnerUp, rules.increment);
    for (let i = 0; i < n; i++) if (bids[i]?.impid === impid) prices[i] = clearing;
    outcomes.push({ impid, winner, clearingPrice: clearing });
  }

  return { imps: outcomes, reasons, prices };
}

/** `base` is max(runner-up, floor) and never above `winnerPrice`; the result lies in [base, winnerPrice]. */
function secondPrice(winnerPrice: number, base: number, increment: number): number {
  if (increment === 0) return base;
  const raw = base + increment;
  if (!(raw < winnerPrice)) return winnerPrice;
  const rounded = Math.round(raw * PRICE_SCALE) / PRICE_SCALE;
  if (rounded < base) return base;
  return rounded > winnerPrice ? winnerPrice : rounded;
}
