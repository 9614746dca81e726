import { gunzipSync, gzipSync } from 'node:zlib';
import { request as httpRequest } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { BidRequest, BidResponse } from '../protocol/openrtb.js';
import { BidderHost } from './host.js';
import { plainLeaf } from '../../test/helpers/leaves.js';
import type { LeafConfig } from './config.js';

function bidRequest(id: string): BidRequest {
  return {
    id,
    imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }],
    tmax: 95,
    at: 1,
    cur: ['USD'],
  };
}

const hosts: BidderHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function start(configs: LeafConfig[], token?: string): Promise<string> {
  const host = new BidderHost(configs, 1, token === undefined ? {} : { token });
  hosts.push(host);
  return `http://127.0.0.1:${await host.listen()}`;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await httpRequest(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes };
}

describe('the bidder host over HTTP', () => {
  it('answers POST /<leaf> with the bid it would send over WebSocket, notices pointing back at it', async () => {
    const base = await start([plainLeaf('dsp-1')]);
    const r = await post(`${base}/dsp-1`, JSON.stringify(bidRequest('r1')));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.bytes.toString()) as BidResponse;
    expect(body.id).toBe('r1');
    const bid = body.seatbid![0]!.bid[0]!;
    expect(bid.price).toBe(1);
    expect(bid.nurl).toBe(`${base}/dsp-1/win?price=\${AUCTION_PRICE}`);
    expect(bid.lurl).toBe(`${base}/dsp-1/loss?loss=\${AUCTION_LOSS}`);
    // The notices, as the exchange would fetch them, are counted as over WebSocket.
    for (const url of [`${base}/dsp-1/win?price=1`, `${base}/dsp-1/loss?loss=102`, `${base}/dsp-1/loss?loss=2`]) {
      const n = await httpRequest(url, { headersTimeout: 5000 });
      await n.body.dump();
      expect(n.statusCode).toBe(204);
    }
    const stats = hosts[0]!.stats()[0]!;
    expect([stats.requests, stats.wins, stats.losses]).toEqual([1, 1, 2]);
  });

  it('answers a no-bid with 204 and no body', async () => {
    const base = await start([
      { ...plainLeaf('nb-1'), bid: { rate: 0, price: { model: 'constant', value: 1 }, shade: 1 } },
    ]);
    const r = await post(`${base}/nb-1`, JSON.stringify(bidRequest('r1')));
    expect(r.status).toBe(204);
    expect(r.bytes.length).toBe(0);
  });

  it('reads a gzipped request and gzips its answer when asked', async () => {
    const base = await start([plainLeaf('dsp-1')]);
    const r = await post(`${base}/dsp-1`, gzipSync(JSON.stringify(bidRequest('gz'))), {
      'content-encoding': 'gzip',
      'accept-encoding': 'gzip',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(gunzipSync(r.bytes).toString()) as BidResponse).id).toBe('gz');
  });

  it('checks the token on every request, notices included', async () => {
    const base = await start([plainLeaf('dsp-1')], 'tok');
    expect((await post(`${base}/dsp-1`, JSON.stringify(bidRequest('a')))).status).toBe(401);
    expect(
      (await post(`${base}/dsp-1`, JSON.stringify(bidRequest('a')), { authorization: 'Bearer nope' })).status,
    ).toBe(401);
    expect((await post(`${base}/dsp-1`, JSON.stringify(bidRequest('a')), { authorization: 'bearer tok' })).status).toBe(
      200,
    );
    const n = await httpRequest(`${base}/dsp-1/win?price=1`, { headersTimeout: 5000 });
    await n.body.dump();
    expect(n.statusCode).toBe(401);
    expect(hosts[0]!.stats()[0]!.wins).toBe(0);
  });

  it('refuses unknown leaves, bad bodies, oversized bodies and other methods with their statuses', async () => {
    const base = await start([plainLeaf('dsp-1')]);
    expect((await post(`${base}/nope`, JSON.stringify(bidRequest('a')))).status).toBe(404);
    expect((await post(`${base}/dsp-1`, '{"id": 1}')).status).toBe(400);
    expect((await post(`${base}/dsp-1`, 'x'.repeat(70 * 1024))).status).toBe(413);
    expect((await post(`${base}/dsp-1`, Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).status).toBe(400);
    const put = await httpRequest(`${base}/dsp-1`, { method: 'PUT', body: '{}', headersTimeout: 5000 });
    await put.body.dump();
    expect(put.statusCode).toBe(405);
    expect(hosts[0]!.stats()[0]).toMatchObject({ requests: 0, badRequests: 2 });
  });

  it('draws the same decisions over HTTP as over WebSocket for the same requests', async () => {
    const leaf: LeafConfig = {
      ...plainLeaf('mix-1'),
      latency: { model: 'constant', ms: 0 },
      bid: { rate: 0.5, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
    };
    const base = await start([leaf]);
    const got: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await post(`${base}/mix-1`, JSON.stringify(bidRequest(`q${i}`)));
      got.push(
        r.status === 204
          ? 'no-bid'
          : String((JSON.parse(r.bytes.toString()) as BidResponse).seatbid![0]!.bid[0]!.price),
      );
    }
    const { createLeaf } = await import('./decision.js');
    const mirror = createLeaf(leaf, 1);
    const want = Array.from({ length: 20 }, (_, i) => {
      const d = mirror.decide(bidRequest(`q${i}`));
      return d.kind === 'respond' && d.response.seatbid !== undefined
        ? String(d.response.seatbid[0]!.bid[0]!.price)
        : 'no-bid';
    });
    expect(got).toEqual(want);
    expect(new Set(got).has('no-bid')).toBe(true);
  });

  it('serves a leaf of finite capacity as over WebSocket: one at a time, the rest refused with their reason', async () => {
    const leaf: LeafConfig = {
      ...plainLeaf('one-1'),
      latency: { model: 'constant', ms: 1000 },
      capacity: { concurrency: 1, queue: 0 },
    };
    const base = await start([leaf]);
    const answers = await Promise.all(['c1', 'c2'].map((id) => post(`${base}/one-1`, JSON.stringify(bidRequest(id)))));
    // Whichever came second found the only server busy (for a second) and was refused at once, with
    // OpenRTB no-bid reason 1 (technical error), as the WebSocket path answers.
    const bodies = answers.map((r) => JSON.parse(r.bytes.toString()) as BidResponse);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(bodies.filter((b) => b.seatbid?.length === 1)).toHaveLength(1);
    const refused = bodies.filter((b) => b.seatbid === undefined);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.nbr).toBe(1);
  });
});
