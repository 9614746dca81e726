import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LossReason } from '../protocol/codes.js';
import { runAuction, type AuctionBid, type AuctionOutcome, type AuctionRules, type ImpFloor } from './auction.js';

// Prices on a coarse grid make ties and bids exactly at the floor common; doubles cover the rest.
const price = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }).map((q) => q / 4), weight: 4 },
  { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), weight: 1 },
);

const IMP_IDS = ['1', '2', '3'];

const impsArb: fc.Arbitrary<ImpFloor[]> = fc
  .subarray(IMP_IDS, { minLength: 1 })
  .chain((ids) => fc.tuple(...ids.map((id) => price.map((floor): ImpFloor => ({ id, bidfloor: floor })))));

// Distinct seqs; impid '4' is never offered, so it exercises the unknown-impression path.
const bidsArb: fc.Arbitrary<AuctionBid[]> = fc
  .uniqueArray(fc.record({ bidder: fc.nat(5), impid: fc.constantFrom('1', '2', '3', '4'), price, seq: fc.nat(1000) }), {
    selector: (b) => b.seq,
    maxLength: 12,
  })
  .map((bids) => bids.map((b, i) => ({ ...b, bidId: `b${i}` })));

const rulesArb: fc.Arbitrary<AuctionRules> = fc.record({
  type: fc.constantFrom('first-price' as const, 'second-price' as const),
  increment: fc.oneof(fc.constant(0), fc.constant(0.01), fc.double({ min: 0, max: 2, noNaN: true })),
});

const input = fc.record({ imps: impsArb, bids: bidsArb, rules: rulesArb });

function bidsFor(bids: readonly AuctionBid[], impid: string): AuctionBid[] {
  return bids.filter((b) => b.impid === impid);
}

describe('runAuction properties', () => {
  it('the winner is the highest bid at or above the floor, earliest on ties; unsold iff none qualifies', () => {
    fc.assert(
      fc.property(input, ({ imps, bids, rules }) => {
        const out = runAuction(imps, bids, rules);
        expect(out.imps.length).toBe(imps.length);
        imps.forEach((imp, k) => {
          const o = out.imps[k]!;
          expect(o.impid).toBe(imp.id);
          const eligible = bidsFor(bids, imp.id).filter((b) => b.price >= imp.bidfloor);
          if (eligible.length === 0) {
            expect(o).toEqual({ impid: imp.id, winner: -1, clearingPrice: 0 });
            return;
          }
          const w = bids[o.winner]!;
          expect(w.impid).toBe(imp.id);
          expect(w.price).toBeGreaterThanOrEqual(imp.bidfloor);
          for (const b of eligible) {
            expect(b.price < w.price || (b.price === w.price && b.seq >= w.seq)).toBe(true);
          }
        });
      }),
    );
  });

  it('clearing lies in [floor, winner]; first price pays the bid; second price is at least the runner-up', () => {
    fc.assert(
      fc.property(input, ({ imps, bids, rules }) => {
        const out = runAuction(imps, bids, rules);
        imps.forEach((imp, k) => {
          const o = out.imps[k]!;
          if (o.winner === -1) return;
          const w = bids[o.winner]!;
          expect(o.clearingPrice).toBeGreaterThanOrEqual(imp.bidfloor);
          expect(o.clearingPrice).toBeLessThanOrEqual(w.price);
          if (rules.type === 'first-price') {
            expect(o.clearingPrice).toBe(w.price);
          } else {
            const others = bidsFor(bids, imp.id).filter((b) => b !== w && b.price >= imp.bidfloor);
            const runnerUp = Math.max(imp.bidfloor, ...others.map((b) => b.price));
            expect(o.clearingPrice).toBeGreaterThanOrEqual(Math.min(runnerUp, w.price));
            if (rules.increment === 0) expect(o.clearingPrice).toBe(runnerUp);
          }
        });
      }),
    );
  });

  it('every bid gets exactly one reason, and each sold impression exactly one winner', () => {
    fc.assert(
      fc.property(input, ({ imps, bids, rules }) => {
        const out = runAuction(imps, bids, rules);
        expect(out.reasons.length).toBe(bids.length);
        expect(out.prices.length).toBe(bids.length);
        const offered = new Map(imps.map((imp, k) => [imp.id, k]));
        bids.forEach((b, i) => {
          const reason = out.reasons[i];
          const k = offered.get(b.impid);
          if (k === undefined) {
            expect(reason).toBe(LossReason.INVALID_RESPONSE);
            expect(out.prices[i]).toBe(0);
            return;
          }
          const imp = imps[k]!;
          const o = out.imps[k]!;
          expect(out.prices[i]).toBe(o.clearingPrice);
          if (b.price < imp.bidfloor) expect(reason).toBe(LossReason.BELOW_FLOOR);
          else if (i === o.winner) expect(reason).toBe(LossReason.WON);
          else expect(reason).toBe(LossReason.LOST_TO_HIGHER_BID);
        });
        const sold = out.imps.filter((o) => o.winner !== -1).length;
        expect(out.reasons.filter((r) => r === LossReason.WON).length).toBe(sold);
      }),
    );
  });

  it('does not depend on the order of the input bids when seqs are distinct', () => {
    const permuted = input.chain((inp) =>
      fc
        .shuffledSubarray(inp.bids, { minLength: inp.bids.length, maxLength: inp.bids.length })
        .map((shuffled) => ({ ...inp, shuffled })),
    );
    fc.assert(
      fc.property(permuted, ({ imps, bids, shuffled, rules }) => {
        const original = byBidId(bids, runAuction(imps, bids, rules));
        expect(byBidId(shuffled, runAuction(imps, shuffled, rules))).toEqual(original);
      }),
    );
  });
});

/** The outcome keyed by bid id, so outcomes of differently ordered inputs compare. */
function byBidId(bids: readonly AuctionBid[], out: AuctionOutcome) {
  const perBid: Record<string, [number | undefined, number | undefined]> = {};
  bids.forEach((b, i) => (perBid[b.bidId] = [out.reasons[i], out.prices[i]]));
  const perImp = out.imps.map((o) => ({
    impid: o.impid,
    winner: bids[o.winner]?.bidId ?? null,
    price: o.clearingPrice,
  }));
  return { perBid, perImp };
}
