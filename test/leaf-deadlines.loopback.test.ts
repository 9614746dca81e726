// Per-group deadlines over real `ws` sockets on loopback, with a manual clock for the deadlines: each
// leaf's frame carries the tmax its group is told, the 30 ms group times out at 30 while the auction
// stays open, and the 80 ms group's answer up to 80 is taken.

import { afterEach, describe, expect, it } from 'vitest';
import { Exchange } from '../src/exchange/exchange.js';
import { Outcome } from '../src/exchange/outcome.js';
import { WsPool } from '../src/exchange/ws-pool.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import { InvariantChecker, tee } from '../src/sim/metrics/invariants.js';
import { terms } from './helpers/fake-links.js';
import { ManualClock } from './helpers/manual-clock.js';
import { ScriptedBidders, bidOn, send, waitFor } from './helpers/scripted-bidders.js';
import type { WebSocket } from 'ws';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

describe('per-group deadlines on the wire', () => {
  it('tells each group its own tmax and enforces each deadline apart', async () => {
    // The leaves hold their socket; the test answers when the clock says so.
    const held = new Map<string, { ws: WebSocket; req: BidRequest }>();
    const hold = (name: string) => (req: BidRequest, ws: WebSocket) => void held.set(name, { ws, req });
    const names = ['fast-1', 'fast-2', 'slow-1'];
    const bidders = await new ScriptedBidders({
      'fast-1': hold('fast-1'),
      'fast-2': hold('fast-2'),
      'slow-1': hold('slow-1'),
    }).listen();
    closers.push(() => bidders.close());
    const clock = new ManualClock();
    const metrics = new Metrics(names.map((name) => ({ name, group: name.slice(0, 4) })));
    metrics.begin(-1e9, -1e9);
    const checker = new InvariantChecker(names.length);
    checker.begin(-1e9, -1e9);
    const leaves = [terms(30), terms(30), terms(80, { toldDeductionMs: 15 })];
    const exchange = new Exchange(
      { tmaxMs: 100, allowanceMs: 5, minBidderMs: 10, leaves },
      clock,
      tee(metrics, checker),
    );
    const pool = new WsPool(
      names.map((name) => ({ url: bidders.url(name) })),
      exchange,
      { initialBackoffMs: 10, maxBackoffMs: 50 },
    );
    exchange.attach(pool.links);
    closers.push(() => pool.close());
    closers.push(async () => exchange.stop());
    await pool.connect();

    const a = exchange.submit(
      { id: 'wire-1', imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD' }], tmax: 0, at: 1, cur: ['USD'] },
      clock.now(),
    );
    await waitFor(() => held.size === 3, 'every leaf to get its request');
    // What each leaf read off its socket: 30 − 5 for the fast group, 80 − 5 − 15 for the slow one.
    expect(names.map((n) => bidders.leaf(n).requests[0]!.tmax)).toEqual([25, 25, 60]);
    expect(names.map((n) => bidders.leaf(n).requests[0]!.id)).toEqual(['wire-1', 'wire-1', 'wire-1']);

    send(held.get('fast-1')!.ws, bidOn(held.get('fast-1')!.req, 1));
    await waitFor(() => metrics.leaves[0]!.onTime === 1, 'the first fast answer');
    clock.advance(30);
    // fast-2 passed its own deadline: timed out at 30, while the auction waits on for slow-1.
    expect(a.states[1]).toBe(Outcome.TIMED_OUT);
    expect(a.closed).toBe(false);
    clock.advance(45);
    send(held.get('slow-1')!.ws, bidOn(held.get('slow-1')!.req, 2));
    await waitFor(() => a.closed, 'the slow answer to close the auction');
    expect(a.byDeadline).toBe(false);
    expect(a.closeMs).toBe(75);
    expect(metrics.leaves.map((l) => [l.onTime, l.timedOut])).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    // The answer that came too late for fast-2 is counted late, not taken.
    send(held.get('fast-2')!.ws, bidOn(held.get('fast-2')!.req, 5));
    await waitFor(() => metrics.leaves[1]!.late === 1, 'the late answer');
    expect(a.outcome?.imps[0]?.clearingPrice).toBe(2);
    expect(checker.finish()).toEqual([]);
  });
});
