// Hostile answers: one test per misbehaviour. Each runs 20 auctions over real sockets with two
// well-behaved leaves beside the hostile one, and asserts what was counted against the hostile leaf,
// with which reason, and that the others' auctions all closed on time in the same run.

import { afterEach, describe, expect, it } from 'vitest';
import { Exchange } from '../../src/exchange/exchange.js';
import type { Link } from '../../src/exchange/link.js';
import { Metrics } from '../../src/sim/metrics/metrics.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { BAD, expectAccounted, expectOthersOnTime, hostileRun, reasons, request, type HostileRun } from './harness.js';

const N = 20;
let run: HostileRun | null = null;
afterEach(async () => {
  await run?.close();
  run = null;
});

describe('hostile answers are counted against that leaf, and the others close on time', () => {
  it('non-JSON text naming no request: stray not-json, its requests time out', async () => {
    run = await hostileRun({ mode: 'not-json' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, stray: N, timedOut: N, invalid: 0 });
    expect(reasons(bad)).toEqual({ 'not-json': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('JSON of the wrong shape: invalid bad-seatbid', async () => {
    run = await hostileRun({ mode: 'wrong-shape' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, invalid: N, stray: 0 });
    expect(reasons(bad)).toEqual({ 'bad-seatbid': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('a response with an unknown request id: stray unknown-request, never settles another request', async () => {
    run = await hostileRun({ mode: 'unknown-id' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, stray: N, timedOut: N, onTime: 0 });
    expect(reasons(bad)).toEqual({ 'unknown-request': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('the id of an auction that already closed: stray unknown-request, the closed auction untouched', async () => {
    // Auction k has closed before k+1 is sent, so the stale answer that comes with k+1 names it.
    run = await hostileRun({ mode: 'closed-id' }, { closeEach: true });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, onTime: N, stray: N - 1, late: 0 });
    expect(reasons(bad)).toEqual({ 'unknown-request': N - 1 });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('duplicate responses: the first is taken, the second is stray duplicate-response', async () => {
    run = await hostileRun({ mode: 'duplicate' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, onTime: N, stray: N });
    expect(reasons(bad)).toEqual({ 'duplicate-response': N });
    // Its one bid per auction was taken once: never twice into the same auction.
    for (const a of run.auctions) expect(a.bids.filter((b) => b.bidder === 2)).toHaveLength(1);
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('a bid for an unknown impid: invalid unknown-impid', async () => {
    run = await hostileRun({ mode: 'unknown-impid' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, invalid: N });
    expect(reasons(bad)).toEqual({ 'unknown-impid': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('a NaN price: the bare token is not JSON (invalid not-json, id salvaged); NaN in an object is bad-price', async () => {
    run = await hostileRun({ mode: 'price', priceText: 'NaN' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, invalid: N, stray: 0 });
    expect(reasons(bad)).toEqual({ 'not-json': N });
    expectAccounted(bad);
    expectOthersOnTime(run);

    // The object path (a virtual link hands values over without text) can carry a real NaN.
    const clock = new ManualClock();
    const metrics = new Metrics([{ name: 'x', group: 'g' }]);
    metrics.begin(0, -Infinity);
    const exchange = new Exchange({}, clock, metrics);
    const link: Link = { wantsText: false, sendRequest: () => true, sendNotice: () => {} };
    exchange.attach([link]);
    const a = exchange.submit(request(), 0);
    exchange.onValue(0, { id: a.request.id, seatbid: [{ bid: [{ id: 'b', impid: '1', price: Number.NaN }] }] });
    expect(a.closed).toBe(true);
    expect(Object.fromEntries(metrics.leaves[0]!.invalidReasons)).toEqual({ 'bad-price': 1 });
  });

  const prices: Array<[string, string, string]> = [
    ['Infinity (1e999 parses to Infinity)', '1e999', 'bad-price'],
    ['a negative price', '-1', 'bad-price'],
    ['a zero price', '0', 'bad-price'],
    ['a string price', '"1.5"', 'bad-price'],
    ['a 1e308 price', '1e308', 'price-too-high'],
  ];
  for (const [what, priceText, reason] of prices) {
    it(`${what}: invalid ${reason}`, async () => {
      run = await hostileRun({ mode: 'price', priceText });
      const bad = run.leaf(BAD);
      expect(bad).toMatchObject({ sent: N, invalid: N, wins: 0 });
      expect(reasons(bad)).toEqual({ [reason]: N });
      expectAccounted(bad);
      expectOthersOnTime(run);
    });
  }

  it('a wrong currency: invalid bad-currency', async () => {
    run = await hostileRun({ mode: 'wrong-currency', currency: 'XXX' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, invalid: N, wins: 0 });
    expect(reasons(bad)).toEqual({ 'bad-currency': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('binary frames: stray binary-frame, its requests time out', async () => {
    run = await hostileRun({ mode: 'binary' });
    const bad = run.leaf(BAD);
    expect(bad).toMatchObject({ sent: N, stray: N, timedOut: N });
    expect(reasons(bad)).toEqual({ 'binary-frame': N });
    expectAccounted(bad);
    expectOthersOnTime(run);
  });
});
