import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { BidRequest } from '../protocol/openrtb.js';
import type { LeafConfig } from './config.js';
import { BidderHost } from './host.js';

const leaf: LeafConfig = {
  name: 'dsp-1',
  group: 'dsp',
  latency: { model: 'constant', ms: 1 },
  bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 },
  faults: { timeout: 0, malformed: 0, disconnect: 0 },
};

function request(id: string): BidRequest {
  return { id, imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }], tmax: 95, at: 1, cur: ['USD'] };
}

/** The status line the host answers to a hand-written upgrade of `path` (the path sent as is). */
function upgradeStatusLine(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    let got = '';
    socket.setTimeout(5000, () => {
      socket.destroy();
      fail(new Error(`no answer to the upgrade of ${path}; got: ${got}`));
    });
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('error', fail);
    socket.on('close', () => done(got.split('\r\n')[0] ?? ''));
  });
}

/** Opens a leaf, sends one request, resolves with the id the answer names; closes the socket. */
function answerId(url: string, id: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      fail(new Error(`no answer from ${url}`));
    }, 5000);
    ws.on('open', () => ws.send(JSON.stringify(request(id))));
    ws.on('message', (data: WebSocket.RawData) => {
      clearTimeout(timer);
      ws.terminate();
      done((JSON.parse(data.toString()) as { id: string }).id);
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
  });
}

describe('BidderHost', () => {
  const open: BidderHost[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });

  async function listening(token?: string): Promise<{ host: BidderHost; port: number }> {
    const host = new BidderHost([leaf], 1, token === undefined ? {} : { token });
    open.push(host);
    return { host, port: await host.listen() };
  }

  it('answers 400 to an upgrade whose path does not percent-decode, and keeps serving', async () => {
    const { port } = await listening();
    expect(await upgradeStatusLine(port, '/%E0%A4%A')).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgradeStatusLine(port, '/nobody')).toBe('HTTP/1.1 404 Not Found');
    expect(await answerId(`ws://127.0.0.1:${port}/dsp-1`, 'r-1')).toBe('r-1');
  });

  it('checks the token before it looks at the path', async () => {
    const { port } = await listening('s3cret');
    expect(await upgradeStatusLine(port, '/%E0%A4%A')).toBe('HTTP/1.1 401 Unauthorized');
    expect(await upgradeStatusLine(port, '/%E0%A4%A', { authorization: 'Bearer s3cret' })).toBe('HTTP/1.1 400 Bad Request');
    expect(await answerId(`ws://127.0.0.1:${port}/dsp-1`, 'r-2', { authorization: 'Bearer s3cret' })).toBe('r-2');
  });
});
