// Connection failures say why (issue 15 item 10): when the pool gives up, it names each bidder it
// never reached with its own cause — the leaf the host does not serve (404), a missing token (401),
// nothing listening, a server that is not a WebSocket one, a URL it cannot dial.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BidderHost } from '../src/bidders/host.js';
import { WsPool } from '../src/exchange/ws-pool.js';
import { plainLeaf } from './helpers/leaves.js';
import { quietHandler } from './helpers/quiet-handler.js';

const handler = quietHandler();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return (server.address() as AddressInfo).port;
}

describe('WsPool.connect', () => {
  it('names every bidder it never reached, one per line, with its cause', async () => {
    const host = new BidderHost([plainLeaf('dsp-1')], 1, {});
    const hostPort = await host.listen();
    closers.push(() => host.close());
    const locked = new BidderHost([plainLeaf('dsp-1')], 1, { token: 's3cret' });
    const lockedPort = await locked.listen();
    closers.push(() => locked.close());
    const plain = createServer((_req, res) => res.end('hello'));
    const plainPort = await listen(plain);
    closers.push(() => new Promise((done) => plain.close(() => done())));
    const gone = createServer();
    const gonePort = await listen(gone);
    await new Promise<void>((done) => gone.close(() => done()));

    const urls = [
      `ws://127.0.0.1:${hostPort}/dsp-1`,
      `ws://127.0.0.1:${hostPort}/nobody`,
      `ws://127.0.0.1:${lockedPort}/dsp-1`,
      `ws://127.0.0.1:${gonePort}/dsp-1`,
      `ws://127.0.0.1:${plainPort}/dsp-1`,
      'notaurl',
    ];
    const pool = new WsPool(
      urls.map((url) => ({ url })),
      handler,
      { initialBackoffMs: 50, maxBackoffMs: 100 },
    );
    closers.push(() => pool.close());
    const err = await pool.connect(1500).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).not.toBeNull();
    const [head, ...lines] = err!.message.split('\n');
    expect(head).toBe('could not connect to 5 bidder(s) within 1500 ms:');
    expect(lines).toEqual([
      `  ${urls[1]}: HTTP 404: the host serves no leaf by this name (check the group name and count)`,
      `  ${urls[2]}: HTTP 401: refused the token (set the group's "token" to the host's)`,
      `  ${urls[3]}: connection refused: nothing listens at this address`,
      `  ${urls[4]}: HTTP 200: not a WebSocket endpoint (no upgrade)`,
      expect.stringMatching(/^ {2}notaurl: not a URL this can dial: /),
    ]);
    expect(pool.isUp(0)).toBe(true);
  });

  it('lists at most 20 bidders and counts the rest', async () => {
    const gone = createServer();
    const port = await listen(gone);
    await new Promise<void>((done) => gone.close(() => done()));
    const pool = new WsPool(
      Array.from({ length: 25 }, (_, i) => ({ url: `ws://127.0.0.1:${port}/leaf-${i}` })),
      handler,
      { initialBackoffMs: 50, maxBackoffMs: 100 },
    );
    closers.push(() => pool.close());
    const err = await pool.connect(800).then(
      () => null,
      (e: unknown) => e as Error,
    );
    const lines = err!.message.split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines.at(-1)).toBe('  ... and 5 more');
  });
});
