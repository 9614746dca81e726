// The exchange over HTTP/1.1 on loopback against a plain node:http bidder, one test per outcome (a
// bid, 204, 500, an answer after the deadline, a reset connection, gzip both ways, tokens), with a
// manual clock for the deadline: the test waits for what it expects, then moves time.

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Exchange } from '../src/exchange/exchange.js';
import { HttpLinks, type HttpTarget } from '../src/exchange/http-link.js';
import { Outcome } from '../src/exchange/outcome.js';
import { LossReason } from '../src/protocol/codes.js';
import type { BidRequest } from '../src/protocol/openrtb.js';
import { Metrics } from '../src/sim/metrics/metrics.js';
import { HttpBidders, json, type HttpScript } from './helpers/http-bidders.js';
import { ManualClock } from './helpers/manual-clock.js';
import { bidOn, waitFor } from './helpers/scripted-bidders.js';

let n = 0;
function request(imps = 1): BidRequest {
  n++;
  return {
    id: `req-${n}`,
    imp: Array.from({ length: imps }, (_, i) => ({
      id: String(i + 1),
      bidfloor: 0.1,
      bidfloorcur: 'USD',
      banner: { w: 300, h: 250 },
    })),
    tmax: 0,
    at: 1,
    cur: ['USD'],
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function setup(scripts: Record<string, HttpScript>, extra: Partial<HttpTarget> = {}) {
  const clock = new ManualClock();
  const bidders = await new HttpBidders(scripts).listen();
  const names = Object.keys(scripts);
  const metrics = new Metrics(names.map((name) => ({ name, group: 'g' })));
  metrics.begin(-1e9, -1e9);
  const exchange = new Exchange({ tmaxMs: 100, allowanceMs: 5, minBidderMs: 10 }, clock, metrics);
  const links = new HttpLinks(
    names.map((name) => ({ url: bidders.url(name), ...extra })),
    exchange,
  );
  exchange.attach(links.links);
  closers.push(() => bidders.close());
  closers.push(() => links.close(100));
  closers.push(async () => exchange.stop());
  const leaf = (name: string) => metrics.leaves[names.indexOf(name)]!;
  return { bidders, metrics, exchange, links, clock, leaf };
}

/** A bid at `price` whose notice URLs point back at the bidder, with every macro the test reads. */
function bidWithUrls(port: number, name: string, price: number): HttpScript {
  return (req, res) => {
    const base = `http://127.0.0.1:${port}/${name}`;
    const body = bidOn(req, price);
    body.bidid = 'resp-bid';
    for (const b of body.seatbid![0]!.bid) {
      b.adid = 'ad-7';
      b.nurl = `${base}/win?p=\${AUCTION_PRICE}&a=\${AUCTION_ID}&i=\${AUCTION_IMP_ID}&s=\${AUCTION_SEAT_ID}&b=\${AUCTION_BID_ID}&ad=\${AUCTION_AD_ID}&c=\${AUCTION_CURRENCY}`;
      b.burl = `${base}/bill?p=\${AUCTION_PRICE}`;
      b.lurl = `${base}/loss?l=\${AUCTION_LOSS}&p=\${AUCTION_PRICE}&m=\${AUCTION_MIN_TO_WIN}`;
    }
    json(res, body);
  };
}

describe('exchange over HTTP to a plain node:http bidder', () => {
  it('posts the BidRequest with the OpenRTB headers, takes a bid, and fetches win, billing and loss URLs', async () => {
    let port = 0;
    const { exchange, clock, leaf, bidders, metrics, links } = await setup({
      a: (req, res, nth, raw) => bidWithUrls(port, 'a', 1.5)(req, res, nth, raw),
      b: (req, res, nth, raw) => bidWithUrls(port, 'b', 2.5)(req, res, nth, raw),
    });
    port = bidders.port;
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the auction to close');
    expect(a.byDeadline).toBe(false);
    expect(metrics.filled).toBe(1);
    expect([leaf('a').onTime, leaf('b').onTime]).toEqual([1, 1]);
    const h = bidders.leaf('a').headers[0]!;
    expect(h['content-type']).toBe('application/json');
    expect(h['x-openrtb-version']).toBe('2.6');
    expect(h['content-encoding']).toBeUndefined();
    expect(bidders.leaf('a').requests[0]).toMatchObject({ id: a.request.id, tmax: 95, at: 1 });
    await waitFor(() => bidders.leaf('b').notices.length === 2 && bidders.leaf('a').notices.length === 1, 'notices');
    const id = a.request.id;
    expect(bidders.leaf('b').notices.sort()).toEqual([
      '/b/bill?p=2.5',
      `/b/win?p=2.5&a=${id}&i=1&s=seat&b=resp-bid&ad=ad-7&c=USD`,
    ]);
    expect(bidders.leaf('a').notices).toEqual([`/a/loss?l=${LossReason.LOST_TO_HIGHER_BID}&p=2.5&m=2.5`]);
    await waitFor(() => links.notices(1).sent === 2, 'the notices counted');
    expect(links.notices(0)).toEqual({ sent: 1, failed: 0, offOrigin: 0 });
  });

  it('counts a notice URL on another origin and does not fetch it', async () => {
    const other = await new HttpBidders({ x: () => {} }).listen();
    closers.push(() => other.close());
    const { exchange, clock, links } = await setup({
      a: (req, res) => {
        const body = bidOn(req, 2);
        body.seatbid![0]!.bid[0]!.nurl = `${other.url('x')}/win?p=\${AUCTION_PRICE}`;
        json(res, body);
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(a.states).toEqual([Outcome.ON_TIME]);
    await waitFor(() => links.notices(0).offOrigin === 1, 'the refused notice');
    await new Promise((r) => setTimeout(r, 50));
    expect(other.leaf('x').notices).toEqual([]);
    expect(links.notices(0).sent).toBe(0);
  });

  it('reads 204 and an empty 200 as a no-bid, and 500 as invalid with http-500', async () => {
    const { exchange, clock, leaf, metrics } = await setup({
      none: (_req, res) => void res.writeHead(204).end(),
      empty: (_req, res) => void res.writeHead(200, { 'content-length': 0 }).end(),
      broken: (_req, res) => void res.writeHead(500).end('oops'),
      unavailable: (_req, res) => void res.writeHead(503).end(),
      teapot: (_req, res) => void res.writeHead(418).end(),
      good: (req, res) => json(res, bidOn(req, 1)),
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(a.byDeadline).toBe(false);
    expect(leaf('none').noBid).toBe(1);
    expect(leaf('empty').noBid).toBe(1);
    expect(leaf('broken').invalid).toBe(1);
    expect(Object.fromEntries(leaf('broken').invalidReasons)).toEqual({ 'http-500': 1 });
    expect(Object.fromEntries(leaf('unavailable').invalidReasons)).toEqual({ 'http-503': 1 });
    expect(Object.fromEntries(leaf('teapot').invalidReasons)).toEqual({ 'http-status': 1 });
    expect(leaf('good').onTime).toBe(1);
    expect(metrics.filled).toBe(1);
  });

  it('times out an answer after the deadline and aborts the request at the close', async () => {
    let held: (() => void) | null = null;
    const { exchange, clock, leaf, bidders } = await setup({
      fast: (req, res) => json(res, bidOn(req, 1)),
      slow: (req, res) => {
        held = () => json(res, bidOn(req, 9));
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('fast').onTime === 1 && held !== null, 'the fast answer and the slow request');
    clock.advance(100);
    expect(a.closed).toBe(true);
    expect(a.states).toEqual([Outcome.ON_TIME, Outcome.TIMED_OUT]);
    await waitFor(() => bidders.leaf('slow').aborted === 1, 'the abort to reach the bidder');
    held!();
    await new Promise((r) => setTimeout(r, 30));
    // Aborted at the close: its answer is never read, so it is timed out, not late.
    expect(leaf('slow').timedOut).toBe(1);
    expect(leaf('slow').late).toBe(0);
    expect(leaf('slow').stray).toBe(0);
    expect(a.outcome?.imps[0]?.clearingPrice).toBe(1);
    // The next request to the slow leaf goes out on a new connection and is answered.
    const b = exchange.submit(request(), clock.now());
    await waitFor(() => leaf('slow').onTime === 0 && held !== null && bidders.leaf('slow').requests.length === 2, 'b');
    held!();
    await waitFor(() => b.closed, 'the second close');
    expect(leaf('slow').onTime).toBe(1);
  });

  it('counts an answer after the deadline but before the timer fired as late, as over WebSocket', async () => {
    let held: (() => void) | null = null;
    const { exchange, clock, leaf } = await setup({
      slow: (req, res) => {
        held = () => json(res, bidOn(req, 2));
      },
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => held !== null, 'the request');
    clock.jump(150);
    held!();
    await waitFor(() => a.closed, 'the close');
    expect(leaf('slow').timedOut).toBe(1);
    expect(leaf('slow').late).toBe(1);
  });

  it('loses only the request whose connection was reset, not the others in flight', async () => {
    const pending: Array<() => void> = [];
    const { exchange, clock, leaf } = await setup({
      r: (req, res, nth, raw) => {
        pending.push(() => (nth === 2 ? raw.socket.destroy() : json(res, bidOn(req, nth))));
      },
    });
    const auctions = [
      exchange.submit(request(), clock.now()),
      exchange.submit(request(), clock.now()),
      exchange.submit(request(), clock.now()),
    ];
    await waitFor(() => pending.length === 3, 'three requests in flight');
    for (const p of pending) p();
    await waitFor(() => auctions.every((a) => a.closed), 'all three closed');
    expect(auctions.map((a) => a.states[0])).toEqual([Outcome.ON_TIME, Outcome.LOST, Outcome.ON_TIME]);
    expect(leaf('r').lost).toBe(1);
    expect(leaf('r').onTime).toBe(2);
    expect(Object.fromEntries(leaf('r').invalidReasons)).toEqual({ econnreset: 1 });
  });

  it('counts a refused connection as lost with econnrefused', async () => {
    const { exchange, clock, leaf, bidders } = await setup({ gone: () => {} });
    await bidders.close();
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(a.byDeadline).toBe(false);
    expect(leaf('gone').lost).toBe(1);
    expect(Object.fromEntries(leaf('gone').invalidReasons)).toEqual({ econnrefused: 1 });
  });

  it('gzips requests and reads gzipped answers when the group asks for gzip', async () => {
    const { exchange, clock, leaf, bidders } = await setup(
      {
        z: (req, res, _nth, raw) => {
          expect(raw.headers['accept-encoding']).toBe('gzip');
          const body = gzipSync(JSON.stringify(bidOn(req, 3)));
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(body);
        },
        bad: (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'),
      },
      { gzip: true },
    );
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(bidders.leaf('z').headers[0]!['content-encoding']).toBe('gzip');
    expect(bidders.leaf('z').requests[0]!.id).toBe(a.request.id);
    expect(leaf('z').onTime).toBe(1);
    expect(a.outcome?.imps[0]?.clearingPrice).toBe(3);
    expect(Object.fromEntries(leaf('bad').invalidReasons)).toEqual({ 'bad-encoding': 1 });
  });

  it('refuses a gzipped answer from a group that did not ask for gzip', async () => {
    const { exchange, clock, leaf } = await setup({
      z: (req, res) =>
        void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify(bidOn(req, 3)))),
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(Object.fromEntries(leaf('z').invalidReasons)).toEqual({ 'bad-encoding': 1 });
  });

  it('sends the token as a bearer token on every request and notice', async () => {
    const { exchange, clock, bidders } = await setup(
      {
        t: (req, res) => {
          const body = bidOn(req, 2);
          body.seatbid![0]!.bid[0]!.nurl = `${bidders.url('t')}/win`;
          json(res, body);
        },
      },
      { token: 's3cret' },
    );
    for (let i = 0; i < 2; i++) {
      const a = exchange.submit(request(), clock.now());
      await waitFor(() => a.closed, 'the close');
    }
    await waitFor(() => bidders.leaf('t').notices.length === 2, 'the win notices');
    expect(bidders.leaf('t').headers.map((h) => h.authorization)).toEqual(['Bearer s3cret', 'Bearer s3cret']);
  });

  it('charges a body naming another request or none to the request it answers', async () => {
    const { exchange, clock, leaf } = await setup({
      other: (_req, res) => json(res, { id: 'someone-else', nbr: 1 }),
      anon: (_req, res) => json(res, { nbr: 1 }),
      garbage: (_req, res) => void res.writeHead(200).end('{"id": broken'),
    });
    const a = exchange.submit(request(), clock.now());
    await waitFor(() => a.closed, 'the close');
    expect(a.byDeadline).toBe(false);
    expect(Object.fromEntries(leaf('other').invalidReasons)).toEqual({ 'wrong-id': 1 });
    expect(Object.fromEntries(leaf('anon').invalidReasons)).toEqual({ 'missing-id': 1 });
    expect(Object.fromEntries(leaf('garbage').invalidReasons)).toEqual({ 'not-json': 1 });
    expect([leaf('other').stray, leaf('anon').stray, leaf('garbage').stray]).toEqual([0, 0, 0]);
  });
});
