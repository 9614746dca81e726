// The exchange over real `ws` sockets on loopback, with a manual clock for the deadline: the test
// waits for the messages it expects, then moves time, so nothing depends on wall-clock margins.

import { afterEach, describe, expect, it } from 'vitest';
import { Exchange } from '../src/exchange/exchange.js';
import { liveClock } from '../src/exchange/live-clock.js';
import { Outcome } from '../src/exchange/outcome.js';
import { WsPool } from '../src/exchange/ws-pool.js';
import { LossReason } from '../src/protocol/codes.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import { ManualClock } from './helpers/manual-clock.js';
import { ScriptedBidders, bidOn, send, waitFor, type Script } from './helpers/scripted-bidders.js';

let n = 0;
function request(): BidRequest {
  n++;
  return {
    id: `req-${n}`,
    imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }],
    tmax: 0,
    at: 1,
    cur: ['USD'],
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function setup(scripts: Record<string, Script>, clock = new ManualClock()) {
  const bidders = await new ScriptedBidders(scripts).listen();
  const names = Object.keys(scripts);
  const metrics = new Metrics(names.map((name) => ({ name, group: 'g' })));
  metrics.begin(-1e9, -1e9);
  const exchange = new Exchange({ tmaxMs: 100, allowanceMs: 5, minBidderMs: 10 }, clock, metrics);
  const pool = new WsPool(
    names.map((name) => ({ url: bidders.url(name) })),
    exchange,
    { initialBackoffMs: 10, maxBackoffMs: 50 },
  );
  exchange.attach(pool.links);
  closers.push(() => bidders.close());
  closers.push(() => pool.close());
  closers.push(async () => exchange.stop());
  await pool.connect();
  const leaf = (name: string) => metrics.leaves[names.indexOf(name)]!;
  return { bidders, metrics, exchange, pool, clock, leaf };
}

const answer =
  (price: number): Script =>
  (req, ws) =>
    send(ws, bidOn(req, price));
const never: Script = () => {};

describe('exchange over loopback sockets', () => {
  it('closes as soon as the last leaf answers, before the deadline, and notifies winner and loser', async () => {
    const { exchange, metrics, bidders, clock } = await setup({ a: answer(1.5), b: answer(2.5) });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the auction to close');
    expect(a.byDeadline).toBe(false);
    expect(a.closeMs).toBeLessThan(a.deadlineMs);
    expect(metrics.auctions).toBe(1);
    expect(metrics.filled).toBe(1);
    expect(metrics.leaves.map((l) => l.onTime)).toEqual([1, 1]);
    // The request carried the remaining time less the allowance.
    expect(bidders.leaf('a').requests[0]!.tmax).toBe(95);
    await waitFor(() => bidders.leaf('a').notices.length === 1 && bidders.leaf('b').notices.length === 1, 'notices');
    expect(bidders.leaf('b').notices[0]).toMatchObject({ notice: 'win', price: 2.5, loss: 0 });
    expect(bidders.leaf('a').notices[0]).toMatchObject({ notice: 'loss', loss: LossReason.LOST_TO_HIGHER_BID });
  });

  it('closes at the deadline when a leaf never answers, and counts it timed out', async () => {
    const { exchange, metrics, clock, leaf } = await setup({ fast: answer(1), silent: never });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('fast').onTime === 1, 'the fast answer');
    expect(a.closed).toBe(false);
    clock.advance(99);
    expect(a.closed).toBe(false);
    clock.advance(1);
    expect(a.closed).toBe(true);
    expect(a.byDeadline).toBe(true);
    expect(a.closeMs).toBe(a.deadlineMs);
    expect(leaf('silent').timedOut).toBe(1);
    expect(leaf('fast').timedOut).toBe(0);
    expect(metrics.filled).toBe(1);
  });

  it('counts an answer after the close as late and answers it with an expired loss notice', async () => {
    let held: (() => void) | null = null;
    const { exchange, clock, leaf, bidders } = await setup({
      fast: answer(1),
      slow: (req, ws) => {
        held = () => send(ws, bidOn(req, 9));
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('fast').onTime === 1 && held !== null, 'the fast answer');
    clock.advance(100);
    expect(a.closed).toBe(true);
    clock.advance(30);
    held!();
    await waitFor(() => leaf('slow').late === 1, 'the late answer');
    expect(leaf('slow').timedOut).toBe(1);
    await waitFor(() => bidders.leaf('slow').notices.length === 1, 'the expired notice');
    expect(bidders.leaf('slow').notices[0]).toMatchObject({ notice: 'loss', loss: LossReason.EXPIRED });
    // The late 9.0 bid was never taken: the fast leaf won at its own price.
    expect(a.outcome?.imps[0]?.clearingPrice).toBe(1);
    expect(a.states).toEqual([Outcome.ON_TIME, Outcome.LATE]);
  });

  it('counts a broken answer that names its request after the close as late, not stray', async () => {
    let held: (() => void) | null = null;
    const { exchange, clock, leaf } = await setup({
      fast: answer(1),
      slow: (req, ws) => {
        held = () => send(ws, `{"id":${JSON.stringify(req.id)},"seatbid":[{`);
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('fast').onTime === 1 && held !== null, 'the fast answer');
    clock.advance(100);
    expect(a.closed).toBe(true);
    held!();
    await waitFor(() => leaf('slow').late === 1, 'the late broken answer');
    expect(leaf('slow').stray).toBe(0);
    expect(leaf('slow').timedOut).toBe(1);
  });

  it('treats an answer that comes after the deadline, before the timer fired, as late', async () => {
    let held: (() => void) | null = null;
    const { exchange, clock, leaf } = await setup({
      slow: (req, ws) => {
        held = () => send(ws, bidOn(req, 2));
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => held !== null, 'the request');
    // Move time without firing timers: as if the event loop were late.
    clock.jump(150);
    held!();
    await waitFor(() => a.closed, 'the close');
    expect(a.byDeadline).toBe(true);
    expect(leaf('slow').timedOut).toBe(1);
    expect(leaf('slow').late).toBe(1);
    expect(leaf('slow').onTime).toBe(0);
  });

  it('counts a dropped connection as lost, closes without waiting, and redials', async () => {
    const { exchange, clock, leaf, pool, bidders } = await setup({
      ok: answer(1),
      dropper: (_req, ws, nth) => {
        if (nth === 1) ws.terminate();
        else send(ws, { id: _req.id, nbr: 8 });
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(a.byDeadline).toBe(false);
    expect(leaf('dropper').lost).toBe(1);
    expect(leaf('dropper').drops).toBe(1);
    await waitFor(() => pool.isUp(1), 'the redial');
    expect(bidders.leaf('dropper').connections).toBe(2);
    const b = exchange.submit(request(), clock.now());
    await waitFor(() => b.closed, 'the second close');
    expect(leaf('dropper').noBid).toBe(1);
    expect(pool.reconnects(1)).toBe(1);
  });

  it('counts a request to a leaf whose link is down as sent and lost', async () => {
    const { exchange, clock, leaf, pool, bidders } = await setup({ ok: answer(1), gone: answer(1) });
    await bidders.close();
    await waitFor(() => !pool.isUp(0) && !pool.isUp(1), 'both links down');
    const a = exchange.submit(request(), clock.now());
    expect(a.closed).toBe(true);
    expect(leaf('gone').sent).toBe(1);
    expect(leaf('gone').lost).toBe(1);
  });

  it('charges a malformed answer to that leaf only', async () => {
    const { exchange, clock, leaf, metrics } = await setup({
      good: answer(1),
      broken: (req, ws) => send(ws, `{"id": ${JSON.stringify(req.id)}, "seatbid": [ {`),
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(leaf('broken').invalid).toBe(1);
    expect(leaf('broken').invalidReasons.get('not-json')).toBe(1);
    expect(leaf('good').onTime).toBe(1);
    expect(leaf('good').invalid).toBe(0);
    expect(metrics.filled).toBe(1);
  });

  it('counts nameless garbage as stray for that leaf, and its request then times out', async () => {
    const { exchange, clock, leaf } = await setup({ good: answer(1), noisy: (_req, ws) => send(ws, 'hello?') });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('noisy').stray === 1 && leaf('good').onTime === 1, 'the garbage and the good answer');
    expect(a.closed).toBe(false);
    clock.advance(100);
    expect(leaf('noisy').timedOut).toBe(1);
    expect(leaf('noisy').invalid).toBe(0);
    expect(leaf('noisy').invalidReasons.get('not-json')).toBe(1);
  });

  it('counts an empty frame as stray with its own reason', async () => {
    const { exchange, clock, leaf } = await setup({ good: answer(1), mute: (_req, ws) => ws.send('') });
    exchange.submit(request(), clock.now());
    await waitFor(() => leaf('mute').stray === 1 && leaf('good').onTime === 1, 'the empty frame');
    expect(leaf('mute').invalidReasons.get('empty-response')).toBe(1);
  });

  it('refuses an invalid bid (unknown impid) without touching the other leaves', async () => {
    const { exchange, clock, leaf } = await setup({
      good: answer(1),
      wrong: (req, ws) => send(ws, { id: req.id, seatbid: [{ bid: [{ id: 'x', impid: 'nope', price: 5 }] }] }),
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(leaf('wrong').invalidReasons.get('unknown-impid')).toBe(1);
    expect(a.states[1]).toBe(Outcome.INVALID);
    expect(a.outcome?.imps[0]?.clearingPrice).toBe(1);
  });

  it('skips every leaf (no-bid reason 15, nothing sent) when the time left is below the minimum', async () => {
    const { exchange, clock, leaf, metrics, bidders } = await setup({ a: answer(1) });
    clock.advance(1000);
    // Accepted 95 ms ago: 5 ms left, less the 5 ms allowance, is below minBidderMs (10).
    const a = exchange.submit(request(), clock.now() - 95);
    expect(a.closed).toBe(true);
    expect(leaf('a').sent).toBe(0);
    expect(metrics.skippedAuctions).toBe(1);
    expect(metrics.auctions).toBe(1);
    expect(metrics.filled).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(bidders.leaf('a').requests).toHaveLength(0);
  });

  it('closes on time with the live clock when a leaf never answers', async () => {
    const clock = liveClock();
    const { exchange, leaf } = await setup({ fast: answer(1), silent: never }, clock as unknown as ManualClock);
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close', 3000);
    expect(a.byDeadline).toBe(true);
    expect(a.closeMs).toBeGreaterThanOrEqual(a.deadlineMs);
    // Generous: a loaded 2-core machine may be late, but not by a second.
    expect(a.closeMs - a.deadlineMs).toBeLessThan(1000);
    expect(leaf('silent').timedOut).toBe(1);
  });
});
