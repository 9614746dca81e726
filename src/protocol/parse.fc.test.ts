import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BidRequest } from './openrtb.js';
import {
  INVALID_REASONS,
  NOT_JSON,
  checkBidResponse,
  isNotice,
  parseBidRequest,
  parseJson,
  parseNotice,
  responseId,
} from './parse.js';

const req: BidRequest = {
  id: 'r',
  imp: [
    { id: '1', bidfloor: 0.1, bidfloorcur: 'USD' },
    { id: '2', bidfloor: 0, bidfloorcur: 'USD' },
  ],
  tmax: 50,
  at: 2,
  cur: ['USD'],
};

const reasons: ReadonlySet<string> = new Set(INVALID_REASONS);

function isNullOrReason(result: unknown): boolean {
  return result === null || (typeof result === 'string' && reasons.has(result));
}

// Mostly well-formed, sometimes anything: values shaped like responses reach every check, not only
// the first few.
function mostly<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: fc.anything(), weight: 1 });
}

const nearBid = mostly(
  fc.record(
    {
      id: mostly(fc.constantFrom('a', 'b', 'c', 'd', '')),
      impid: mostly(fc.constantFrom('1', '2', '3')),
      price: mostly(fc.oneof(fc.double({ min: 0, max: 120 }), fc.double())),
      adm: mostly(fc.string()),
      adomain: mostly(fc.array(fc.string())),
    },
    { requiredKeys: ['id', 'impid', 'price'] },
  ),
);

const nearResponse = fc.record(
  {
    id: mostly(fc.constant('r')),
    nbr: mostly(fc.nat(20)),
    cur: mostly(fc.constantFrom('USD', 'EUR')),
    seatbid: mostly(
      fc.array(
        mostly(
          fc.record(
            { seat: mostly(fc.string()), bid: mostly(fc.array(nearBid, { maxLength: 12 })) },
            { requiredKeys: ['bid'] },
          ),
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ['id'] },
);

describe('parsing never throws', () => {
  it('parseJson and parseBidRequest on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        const value = parseJson(text);
        const parsed = parseBidRequest(text);
        expect(parsed.ok || (typeof parsed.reason === 'string' && parsed.reason.length > 0)).toBe(true);
        if (value !== NOT_JSON) expect(() => JSON.stringify(value)).not.toThrow();
      }),
    );
  });

  it('checkBidResponse on arbitrary JSON values and arbitrary values: null or a known reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), nearResponse), fc.double(), (value, maxPrice) => {
        expect(isNullOrReason(checkBidResponse(value, req, maxPrice))).toBe(true);
        const id = responseId(value);
        expect(id === undefined || typeof id === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('checkBidResponse accepts only what answers the request', () => {
    fc.assert(
      fc.property(nearResponse, (value) => {
        if (checkBidResponse(value, req, 100) !== null) return;
        expect(responseId(value)).toBe('r');
      }),
      { numRuns: 500 },
    );
  });

  it('a well-formed response is refused only for duplicate bid ids, on both duplicate paths', () => {
    const seats = fc.array(
      fc.array(
        fc.record({
          id: fc.constantFrom(...'abcdefghijklmnopqrst'.split('')),
          impid: fc.constantFrom('1', '2'),
          price: fc.double({ min: 0.01, max: 100, noNaN: true }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(seats, (bidsPerSeat) => {
        const value = { id: 'r', seatbid: bidsPerSeat.map((bid) => ({ bid })) };
        const ids = bidsPerSeat.flat().map((b) => b.id);
        const duplicated = new Set(ids).size !== ids.length;
        expect(checkBidResponse(value, req, 100)).toBe(duplicated ? 'duplicate-bid-id' : null);
      }),
      { numRuns: 500 },
    );
  });

  it('parseNotice and isNotice on arbitrary values', () => {
    const nearNotice = fc.record({
      notice: fc.oneof(fc.constantFrom('win', 'loss'), fc.anything()),
      id: fc.oneof(fc.string(), fc.anything()),
      impid: fc.string(),
      bidid: fc.string(),
      price: fc.oneof(fc.double(), fc.anything()),
      loss: fc.oneof(fc.constantFrom(0, 2, 102), fc.anything()),
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), nearNotice), (value) => {
        const parsed = parseNotice(value);
        expect(typeof isNotice(value)).toBe('boolean');
        if (parsed.ok) {
          expect(isNotice(value)).toBe(true);
          expect(parsed.value.loss === 0).toBe(parsed.value.notice === 'win');
        } else {
          expect(parsed.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
