import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../protocol/openrtb.js';
import type { LinkHandler } from './link.js';
import { backoffMs, isLoopback, WsPool } from './ws-pool.js';
import { quietHandler } from '../../test/helpers/quiet-handler.js';

describe('backoffMs', () => {
  const opts = { initialBackoffMs: 50, maxBackoffMs: 5000 };

  it('doubles per attempt, with jitter between half and all of the ceiling', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(5000, 50 * 2 ** attempt);
      expect(backoffMs(attempt, opts, () => 0)).toBe(ceiling / 2);
      expect(backoffMs(attempt, opts, () => 0.999999)).toBeCloseTo(ceiling, 2);
    }
  });

  it('never exceeds the cap however many attempts failed', () => {
    expect(backoffMs(1000, opts, () => 0.999999)).toBeLessThanOrEqual(5000);
  });
});

describe('isLoopback', () => {
  it('names this machine by 127.0.0.0/8, ::1 or localhost, and nothing else', () => {
    for (const url of ['ws://127.0.0.1:9000/a', 'ws://127.3.2.1/a', 'ws://localhost:1/x', 'ws://[::1]:80/'])
      expect(isLoopback(url)).toBe(true);
    for (const url of [
      'ws://10.0.0.1/a',
      'ws://bidder.example.com/a',
      'ws://127.example.com/',
      'ws://[::2]/',
      'not a url',
    ])
      expect(isLoopback(url)).toBe(false);
  });
});

describe('WsPool masking', () => {
  /** The 4-byte masking key of the first frame `url`'s pool sends, read off the server's raw socket. */
  async function firstMaskKey(host: string): Promise<number[]> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((done) => wss.once('listening', () => done()));
    const port = (wss.address() as AddressInfo).port;
    const key = new Promise<number[]>((done) =>
      wss.once('connection', (_ws, req) => {
        req.socket.once('data', (frame: Buffer) => {
          // FIN+opcode, MASK bit + 7-bit length (the request is under 126 bytes), then the key.
          expect(frame[1]! & 0x80).toBe(0x80);
          done([...frame.subarray(2, 6)]);
        });
      }),
    );
    const pool = new WsPool([{ url: `ws://${host}:${port}/leaf` }], quietHandler());
    try {
      await pool.connect(5000);
      const request: BidRequest = {
        id: 'r-1',
        imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 1, h: 1 } }],
        tmax: 50,
        at: 2,
        cur: ['USD'],
      };
      expect(pool.links[0]!.sendRequest(Buffer.from(JSON.stringify(request)), request)).toBe(true);
      return await key;
    } finally {
      await pool.close();
      await new Promise<void>((done) => wss.close(() => done()));
    }
  }

  it('sends with a zero key to a leaf on this machine', async () => {
    expect(await firstMaskKey('127.0.0.1')).toEqual([0, 0, 0, 0]);
  });
});

describe('WsPool floods', () => {
  const request: BidRequest = {
    id: 'r',
    imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 1, h: 1 } }],
    tmax: 50,
    at: 2,
    cur: ['USD'],
  };

  /**
   * A leaf that answers each of `requests` requests with `k` frames (the answer, then k-1 copies),
   * one request at a time. Returns the frames the exchange's handler read and whether, and after how
   * many frames, the pool cut the leaf off as a flood.
   */
  async function flooder(k: number, requests: number): Promise<{ read: number; cutAfter: number | null }> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((done) => wss.once('listening', () => done()));
    const port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const id = (JSON.parse(data.toString()) as { id: string }).id;
        for (let i = 0; i < k; i++) ws.send(JSON.stringify({ id, nbr: 0 }));
      });
    });
    let read = 0;
    let cutAfter: number | null = null;
    let answered: (() => void) | null = null;
    const handler: LinkHandler = {
      onText() {
        read++;
        if (read % k === 0) answered?.();
      },
      onValue() {},
      onBadFrame() {},
      onFailure() {},
      onNoBid() {},
      onUp() {},
      onDown(_leaf, reason) {
        if (reason === 'flood' && cutAfter === null) cutAfter = read;
        answered?.();
      },
    };
    const pool = new WsPool([{ url: `ws://127.0.0.1:${port}/leaf` }], handler);
    try {
      await pool.connect(5000);
      for (let i = 0; i < requests && cutAfter === null; i++) {
        const sentOne = new Promise<void>((done) => (answered = done));
        const r = { ...request, id: `r-${i}` };
        if (!pool.links[0]!.sendRequest(Buffer.from(JSON.stringify(r)), r)) break;
        await Promise.race([sentOne, new Promise((done) => setTimeout(done, 2000))]);
      }
      return { read, cutAfter };
    } finally {
      await pool.close();
      await new Promise<void>((done) => wss.close(() => done()));
    }
  }

  it('keeps a leaf that sends twice the frames it is asked for', async () => {
    const r = await flooder(2, 300);
    expect(r.cutAfter).toBeNull();
    expect(r.read).toBe(600);
  });

  it('cuts off a leaf at 10 frames per request within 70 frames, and one at 200 within 40', async () => {
    const ten = await flooder(10, 300);
    expect(ten.cutAfter).not.toBeNull();
    expect(ten.cutAfter!).toBeLessThanOrEqual(70);
    const many = await flooder(200, 300);
    expect(many.cutAfter).not.toBeNull();
    expect(many.cutAfter!).toBeLessThanOrEqual(40);
  });
});
