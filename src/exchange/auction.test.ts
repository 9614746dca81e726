import { describe, expect, it } from 'vitest';
import { LossReason } from '../protocol/codes.js';
import { runAuction, type AuctionBid, type AuctionRules } from './auction.js';

const FIRST: AuctionRules = { type: 'first-price', increment: 0.01 };
const SECOND: AuctionRules = { type: 'second-price', increment: 0.01 };

let nextSeq = 0;
function bid(bidder: number, price: number, impid = '1', seq = nextSeq++): AuctionBid {
  return { bidder, bidId: `b${bidder}-${impid}`, impid, price, seq };
}

describe('runAuction', () => {
  it('first price: the highest bid wins and pays its own bid', () => {
    const out = runAuction([{ id: '1', bidfloor: 0.5 }], [bid(0, 1.2), bid(1, 2.5), bid(2, 0.9)], FIRST);
    expect(out.imps).toEqual([{ impid: '1', winner: 1, clearingPrice: 2.5 }]);
    expect(out.reasons).toEqual([LossReason.LOST_TO_HIGHER_BID, LossReason.WON, LossReason.LOST_TO_HIGHER_BID]);
    expect(out.prices).toEqual([2.5, 2.5, 2.5]);
  });

  it('second price: clears at the runner-up plus the increment', () => {
    const out = runAuction([{ id: '1', bidfloor: 0.5 }], [bid(0, 1.2), bid(1, 2.5), bid(2, 0.9)], SECOND);
    expect(out.imps[0]).toEqual({ impid: '1', winner: 1, clearingPrice: 1.21 });
  });

  it('second price: the increment never lifts the price above the winner', () => {
    const out = runAuction([{ id: '1', bidfloor: 0.5 }], [bid(0, 2.5), bid(1, 2.505)], SECOND);
    expect(out.imps[0]).toEqual({ impid: '1', winner: 1, clearingPrice: 2.505 });
  });

  it('second price, single bidder: clears at floor plus increment, capped by the bid', () => {
    expect(runAuction([{ id: '1', bidfloor: 0.1 }], [bid(0, 3)], SECOND).imps[0]?.clearingPrice).toBe(0.11);
    expect(runAuction([{ id: '1', bidfloor: 0.1 }], [bid(0, 0.105)], SECOND).imps[0]?.clearingPrice).toBe(0.105);
    expect(runAuction([{ id: '1', bidfloor: 0.1 }], [bid(0, 0.1)], SECOND).imps[0]?.clearingPrice).toBe(0.1);
  });

  it('second price with no increment clears exactly at the runner-up', () => {
    const out = runAuction([{ id: '1', bidfloor: 0 }], [bid(0, 1.37), bid(1, 2)], {
      type: 'second-price',
      increment: 0,
    });
    expect(out.imps[0]?.clearingPrice).toBe(1.37);
  });

  it('a bid below the floor loses with BELOW_FLOOR and does not set the second price', () => {
    const out = runAuction([{ id: '1', bidfloor: 1 }], [bid(0, 0.99), bid(1, 2)], SECOND);
    expect(out.reasons).toEqual([LossReason.BELOW_FLOOR, LossReason.WON]);
    expect(out.imps[0]?.clearingPrice).toBe(1.01);
  });

  it('an impression with no bid at or above its floor goes unsold', () => {
    const out = runAuction([{ id: '1', bidfloor: 5 }], [bid(0, 1), bid(1, 4.99)], FIRST);
    expect(out.imps).toEqual([{ impid: '1', winner: -1, clearingPrice: 0 }]);
    expect(out.reasons).toEqual([LossReason.BELOW_FLOOR, LossReason.BELOW_FLOOR]);
    expect(out.prices).toEqual([0, 0]);
  });

  it('floors are per impression and each impression has its own winner', () => {
    const imps = [
      { id: '1', bidfloor: 1 },
      { id: '2', bidfloor: 0.2 },
      { id: '3', bidfloor: 0 },
    ];
    const bids = [bid(0, 0.5, '1'), bid(0, 0.5, '2'), bid(1, 1.5, '1'), bid(1, 0.3, '2')];
    const out = runAuction(imps, bids, SECOND);
    expect(out.imps).toEqual([
      { impid: '1', winner: 2, clearingPrice: 1.01 },
      { impid: '2', winner: 1, clearingPrice: 0.31 },
      { impid: '3', winner: -1, clearingPrice: 0 },
    ]);
    const { BELOW_FLOOR, WON, LOST_TO_HIGHER_BID } = LossReason;
    expect(out.reasons).toEqual([BELOW_FLOOR, WON, WON, LOST_TO_HIGHER_BID]);
    expect(out.prices).toEqual([1.01, 0.31, 1.01, 0.31]);
  });

  it('ties go to the earlier bid, whatever the input order', () => {
    const late = bid(0, 2, '1', 9);
    const early = bid(1, 2, '1', 3);
    for (const bids of [
      [late, early],
      [early, late],
    ]) {
      const out = runAuction([{ id: '1', bidfloor: 0 }], bids, SECOND);
      const winner = out.imps[0]?.winner ?? -1;
      expect(bids[winner]?.bidder).toBe(1);
      // The runner-up bid the same, so second price pays it: the increment cannot exceed the winner.
      expect(out.imps[0]?.clearingPrice).toBe(2);
    }
  });

  it('a bid for an impression not in the request gets INVALID_RESPONSE and price 0', () => {
    const out = runAuction([{ id: '1', bidfloor: 0 }], [bid(0, 9, 'nope'), bid(1, 1)], FIRST);
    expect(out.reasons).toEqual([LossReason.INVALID_RESPONSE, LossReason.WON]);
    expect(out.prices).toEqual([0, 1]);
    expect(out.imps[0]?.winner).toBe(1);
  });

  it('no bids at all: every impression unsold', () => {
    const out = runAuction(
      [
        { id: '1', bidfloor: 0 },
        { id: '2', bidfloor: 1 },
      ],
      [],
      SECOND,
    );
    expect(out.imps.map((o) => o.winner)).toEqual([-1, -1]);
    expect(out.reasons).toEqual([]);
  });
});
