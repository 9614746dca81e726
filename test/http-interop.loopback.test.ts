// Interop with tools nobody here wrote (issue 17 item 3): autocannon, a common HTTP load generator,
// posts a real BidRequest (as the request factory makes them) to the bidder host's HTTP route over
// keep-alive connections, and what it got back is checked: statuses, and each body a BidResponse
// answering the request with nurl and lurl pointing back at the host.

import autocannon from 'autocannon';
import { afterEach, describe, expect, it } from 'vitest';
import { BidderHost } from '../src/bidders/host.js';
import type { BidResponse } from '../src/protocol/openrtb.js';
import { checkBidResponse } from '../src/protocol/parse.js';
import { requestFactory } from '../src/sim/run/request-factory.js';
import { streams } from '../src/sim/run/setup.js';
import { plainLeaf } from './helpers/leaves.js';
import { valid } from './helpers/scenarios.js';

const hosts: BidderHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

describe('autocannon against the HTTP bidder host', () => {
  it('gets 200 with a valid BidResponse, or 204, for every real BidRequest it posts', async () => {
    const s = valid({ mode: 'live', auction: { impressions: 2 } });
    const request = requestFactory(s, streams.requests(1))('ac-1');
    request.tmax = 95;
    request.at = 1;
    const bidding = { ...plainLeaf('bid-1'), latency: { model: 'constant', ms: 0 } } as const;
    const half = { ...bidding, name: 'half-1', bid: { ...bidding.bid, rate: 0.5 } };
    const host = new BidderHost([bidding, half], 1, { token: 'tok' });
    hosts.push(host);
    const port = await host.listen();

    const seen = { ok: 0, noBid: 0, other: 0, bad: [] as string[] };
    const onResponse = (status: number, body: string): void => {
      if (status === 204) {
        if (body.length > 0) seen.bad.push(`204 with a body: ${body}`);
        seen.noBid++;
        return;
      }
      if (status !== 200) {
        seen.other++;
        return;
      }
      seen.ok++;
      const value = JSON.parse(body) as BidResponse;
      const reason = checkBidResponse(value, request, 1000);
      if (reason !== null) seen.bad.push(`${reason}: ${body}`);
      for (const bid of value.seatbid?.[0]?.bid ?? []) {
        if (!bid.nurl?.startsWith(`http://127.0.0.1:${port}/`)) seen.bad.push(`nurl ${bid.nurl}`);
        if (!bid.lurl?.startsWith(`http://127.0.0.1:${port}/`)) seen.bad.push(`lurl ${bid.lurl}`);
      }
    };
    const body = JSON.stringify(request);
    const headers = {
      'content-type': 'application/json',
      'x-openrtb-version': '2.6',
      authorization: 'Bearer tok',
    };
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 4,
      amount: 800,
      timeout: 10,
      requests: [
        { method: 'POST', path: '/bid-1', headers, body, onResponse },
        { method: 'POST', path: '/half-1', headers, body, onResponse },
      ],
    });
    expect(seen.bad).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(seen.ok + seen.noBid).toBe(800);
    expect(seen.other).toBe(0);
    // bid-1 always bids; half-1 bids about half the time: 400 + ~200 bids, ~200 no-bids.
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.noBid).toBeGreaterThan(100);
    const stats = host.stats();
    expect(stats.map((st) => st.requests)).toEqual([400, 400]);

    // Without the token, every request is refused.
    const refused = await autocannon({
      url: `http://127.0.0.1:${port}/bid-1`,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      connections: 2,
      amount: 50,
      timeout: 10,
    });
    expect(refused.statusCodeStats?.['401']?.count).toBe(50);
    expect(host.stats()[0]!.requests).toBe(400);
  }, 60_000);
});
