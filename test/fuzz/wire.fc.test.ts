// Gaps the protocol's own property tests leave: the id salvaged from a broken frame, and the
// exchange's per-message entry points fed anything at all (strings, JSON values, any value) with
// auctions open: nothing throws, and every message is either an outcome or a counted stray.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Exchange } from '../../src/exchange/exchange.js';
import type { Link } from '../../src/exchange/link.js';
import { salvageId } from '../../src/protocol/parse.js';
import { InvariantChecker, tee } from '../../src/sim/metrics/invariants.js';
import { Metrics } from '../../src/sim/metrics/metrics.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('salvageId', () => {
  it('never throws; what it returns is the id a broken frame starts with', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        const id = salvageId(text);
        if (id !== undefined) expect(text.trimStart().startsWith('{')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('recovers any id of up to 200 characters from a frame cut short after it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 150 }), fc.string(), (id, rest) => {
        const text = `{"id":${JSON.stringify(id)},${rest}`;
        const escaped = JSON.stringify(id).length - 2;
        if (escaped <= 200) expect(salvageId(text)).toBe(id);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the exchange fed anything', () => {
  it('onText and onValue with arbitrary input: no throw, each message counted once, invariants hold', () => {
    const input = fc.array(
      fc.record({
        leaf: fc.nat(2),
        text: fc.boolean(),
        value: fc.oneof(
          fc.string(),
          fc.jsonValue(),
          fc.anything(),
          fc.constant('{"id":"r-1","seatbid":['),
          fc.constant({ id: 'r-1', nbr: 2 }),
        ),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(input, (messages) => {
        const clock = new ManualClock();
        const metrics = new Metrics([0, 1, 2].map((i) => ({ name: `l${i}`, group: 'g' })));
        metrics.begin(0, 0);
        const checker = new InvariantChecker(3, { maxOvershootMs: 0 });
        const exchange = new Exchange({ tmaxMs: 50 }, clock, tee(metrics, checker));
        const link: Link = { wantsText: false, sendRequest: () => true, sendNotice: () => {} };
        exchange.attach([link, link, link]);
        exchange.submit(
          { id: 'r-1', imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }], tmax: 0, at: 1, cur: ['USD'] },
          0,
        );
        for (const m of messages) {
          if (m.text)
            exchange.onText(m.leaf, typeof m.value === 'string' ? m.value : (JSON.stringify(m.value) ?? 'undefined'));
          else exchange.onValue(m.leaf, m.value);
        }
        clock.advance(60);
        let outcomes = 0;
        let strays = 0;
        for (const c of metrics.leaves) {
          outcomes += c.onTime + c.noBid + c.invalid;
          strays += c.stray;
          expect(c.onTime + c.noBid + c.invalid + c.timedOut + c.lost).toBe(c.sent);
        }
        // Every message settled a request, or was counted stray, or came after the leaf had its answer
        // in and the auction was closed and forgotten (stray too): so the sum is exact.
        expect(outcomes + strays).toBe(messages.length);
        expect(checker.finish()).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
