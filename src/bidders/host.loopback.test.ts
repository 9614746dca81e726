import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeHistogram } from '../lib/histogram.js';
import type { BidRequest } from '../protocol/openrtb.js';
import { BidderHost } from './host.js';
import { plainLeaf } from '../../test/helpers/leaves.js';

const leaf = plainLeaf();

function request(id: string): BidRequest {
  return {
    id,
    imp: [{ id: '1', bidfloor: 0.1, bidfloorcur: 'USD', banner: { w: 300, h: 250 } }],
    tmax: 95,
    at: 1,
    cur: ['USD'],
  };
}

/** The status line the host answers to a hand-written upgrade of `path` (the path sent as is). */
function upgradeStatusLine(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
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

/** An open connection to one leaf. */
async function dial(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  return ws;
}

/** Sends one request per id and resolves with the ids the answers name, in arrival order. */
function exchange(ws: WebSocket, ids: string[]): Promise<string[]> {
  return new Promise((done, fail) => {
    const got: string[] = [];
    const timer = setTimeout(() => fail(new Error(`${got.length} of ${ids.length} answers`)), 5000);
    const onMessage = (data: WebSocket.RawData): void => {
      got.push((JSON.parse(data.toString()) as { id: string }).id);
      if (got.length < ids.length) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      done(got);
    };
    ws.on('message', onMessage);
    for (const id of ids) ws.send(JSON.stringify(request(id)));
  });
}

/** Opens a leaf, sends one request, resolves with the id the answer names; closes the socket. */
async function answerId(url: string, id: string, headers: Record<string, string> = {}): Promise<string> {
  const ws = await dial(url, headers);
  try {
    return (await exchange(ws, [id]))[0]!;
  } finally {
    ws.terminate();
  }
}

describe('BidderHost', () => {
  const open: BidderHost[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });

  async function listening(
    token?: string,
    opts: { maxBufferedBytes?: number } = {},
  ): Promise<{ host: BidderHost; port: number }> {
    const host = new BidderHost([leaf], 1, { ...opts, ...(token === undefined ? {} : { token }) });
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
    expect(await upgradeStatusLine(port, '/%E0%A4%A', { authorization: 'Bearer s3cret' })).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect(await answerId(`ws://127.0.0.1:${port}/dsp-1`, 'r-2', { authorization: 'Bearer s3cret' })).toBe('r-2');
  });

  it('survives clients that reset the connection while their upgrade is refused', async () => {
    const { port } = await listening('s3cret');
    const resets = Array.from(
      { length: 30 },
      (_, i) =>
        new Promise<void>((done) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.write(
              `GET /${i % 2 === 0 ? 'nobody' : 'dsp-1'} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
                `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
            );
            socket.resetAndDestroy();
          });
          socket.on('error', () => undefined);
          socket.on('close', () => done());
        }),
    );
    await Promise.all(resets);
    await new Promise((r) => setTimeout(r, 100));
    expect(await answerId(`ws://127.0.0.1:${port}/dsp-1`, 'after-resets', { authorization: 'Bearer s3cret' })).toBe(
      'after-resets',
    );
  });

  it('reads the Bearer scheme case-insensitively, and nothing but the exact token', async () => {
    const { port } = await listening('s3cret');
    const url = `ws://127.0.0.1:${port}/dsp-1`;
    for (const scheme of ['bearer', 'BEARER', 'BeArEr'])
      expect(await answerId(url, `r-${scheme}`, { authorization: `${scheme} s3cret` })).toBe(`r-${scheme}`);
    for (const authorization of ['Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 'Bearers3cret', 's3cret'])
      expect(await upgradeStatusLine(port, '/dsp-1', { authorization })).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('mark() starts the statistics afresh, as the runner asks when its warm-up ends', async () => {
    const { host, port } = await listening();
    const ws = await dial(`ws://127.0.0.1:${port}/dsp-1`);
    try {
      expect(await exchange(ws, ['w-1', 'w-2', 'w-3'])).toEqual(['w-1', 'w-2', 'w-3']);
      host.mark();
      expect(await exchange(ws, ['m-1', 'm-2'])).toEqual(['m-1', 'm-2']);
    } finally {
      ws.terminate();
    }
    const [stats] = host.stats();
    expect(stats!.requests).toBe(2);
    expect(decodeHistogram(stats!.delays).totalCount).toBe(2);
    expect(decodeHistogram(stats!.lateness!).totalCount).toBe(2);
  });

  it('reads a text sent to several leaves once, and each leaf still answers and counts for itself', async () => {
    const host = new BidderHost([plainLeaf('dsp-1'), plainLeaf('dsp-2')], 1);
    open.push(host);
    const port = await host.listen();
    const a = await dial(`ws://127.0.0.1:${port}/dsp-1`);
    const b = await dial(`ws://127.0.0.1:${port}/dsp-2`);
    try {
      const text = JSON.stringify(request('shared-1'));
      const seats = (ws: WebSocket): Promise<string> =>
        new Promise((done) =>
          ws.once('message', (d) =>
            done((JSON.parse(d.toString()) as { seatbid: Array<{ seat: string }> }).seatbid[0]!.seat),
          ),
        );
      const answers = Promise.all([seats(a), seats(b)]);
      a.send(text);
      b.send(text);
      expect(await answers).toEqual(['dsp-1', 'dsp-2']);
      // The same bad text twice, and a notice twice: each is counted where it arrived.
      const bad = JSON.stringify({ ...request('bad-1'), imp: [] });
      const win = JSON.stringify({ notice: 'win', id: 'shared-1', impid: '1', bidid: '1', price: 1, loss: 0 });
      for (const t of [bad, bad, win, win]) b.send(t);
      a.send(bad);
      const stats = async (): Promise<Array<{ requests: number; badRequests: number; wins: number }>> => host.stats();
      await vi.waitFor(
        async () =>
          expect((await stats()).map((x) => [x.requests, x.badRequests, x.wins])).toEqual([
            [1, 1, 0],
            [1, 2, 2],
          ]),
        { timeout: 5000 },
      );
    } finally {
      a.terminate();
      b.terminate();
    }
  });

  it('remembers at most 1 M chars of request texts, however large the requests are', async () => {
    const { host, port } = await listening();
    const ws = await dial(`ws://127.0.0.1:${port}/dsp-1`);
    try {
      const big = (id: string): string => JSON.stringify({ ...request(id), ext: { pad: 'x'.repeat(60_000) } });
      const ids = Array.from({ length: 40 }, (_, i) => `big-${i}`);
      const answered = new Promise<string[]>((done) => {
        const got: string[] = [];
        ws.on('message', (d) => {
          got.push((JSON.parse(d.toString()) as { id: string }).id);
          if (got.length === ids.length) done(got);
        });
      });
      for (const id of ids) ws.send(big(id));
      expect(await answered).toEqual(ids);
      // 40 texts of 60 KB would be 2.4 M chars: the oldest went, and the newest is still there.
      expect(host.rememberedChars).toBeLessThanOrEqual(1 << 20);
      expect(host.rememberedChars).toBeGreaterThanOrEqual(big('big-39').length);
    } finally {
      ws.terminate();
    }
  });

  /**
   * A client that sends `n` requests and never reads its answers (its socket paused), and what became
   * of its connection: closed by the host, or still open half a second after the last request.
   */
  async function neverReads(port: number, n: number): Promise<'cut off' | 'open'> {
    const ws = await dial(`ws://127.0.0.1:${port}/dsp-1`);
    try {
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const closed = new Promise<'cut off'>((done) => ws.once('close', () => done('cut off')));
      const text = JSON.stringify(request('flood'));
      for (let i = 0; i < n && ws.readyState === ws.OPEN; i++) {
        ws.send(text.replace('"flood"', `"flood-${i}"`));
        // Let the host read and answer as it goes, as a real client's writes would.
        if (i % 500 === 499) await new Promise((r) => setImmediate(r));
      }
      const quiet = new Promise<'open'>((done) => setTimeout(() => done('open'), 500));
      return await Promise.race([closed, quiet]);
    } finally {
      ws.terminate();
    }
  }

  /** Sends one request per id at once and resolves with the answers, in arrival order. */
  function answers(ws: WebSocket, ids: string[]): Promise<Array<{ id: string; nbr?: number; seatbid?: unknown }>> {
    return new Promise((done, fail) => {
      const got: Array<{ id: string; nbr?: number }> = [];
      const timer = setTimeout(() => fail(new Error(`${got.length} of ${ids.length} answers`)), 10_000);
      ws.on('message', (data: WebSocket.RawData) => {
        got.push(JSON.parse(data.toString()) as { id: string; nbr?: number });
        if (got.length < ids.length) return;
        clearTimeout(timer);
        done(got);
      });
      for (const id of ids) ws.send(JSON.stringify(request(id)));
    });
  }

  it('serves a leaf of finite capacity first come first served, and refuses past its queue at once', async () => {
    // One server, one place in the queue, 400 ms of service: of three requests sent together the
    // third finds both taken and is refused at once (no-bid 1), before the first is served.
    const config = { ...plainLeaf('cap-1', 'cap'), capacity: { concurrency: 1, queue: 1 } };
    config.latency = { model: 'constant', ms: 400 };
    const host = new BidderHost([config], 1);
    open.push(host);
    const port = await host.listen();
    const ws = await dial(`ws://127.0.0.1:${port}/cap-1`);
    try {
      const got = await answers(ws, ['r1', 'r2', 'r3']);
      expect(got.map((a) => [a.id, a.nbr])).toEqual([
        ['r3', 1],
        ['r1', undefined],
        ['r2', undefined],
      ]);
      expect(got[1]!.seatbid).toBeDefined();
    } finally {
      ws.terminate();
    }
    const [stats] = host.stats();
    expect(stats).toMatchObject({ requests: 3, queued: 1, busy: 1, tooLate: 0 });
    // The delays applied: the refusal's 0, the first's 400 ms, and the second's 400 + its wait.
    const delays = decodeHistogram(stats!.delays);
    expect(delays.totalCount).toBe(3);
    expect(delays.minNonZeroValue).toBeGreaterThanOrEqual(399_000);
    expect(delays.maxValue).toBeGreaterThan(700_000);
  }, 20_000);

  it('answers at once with no-bid 15 a request a leaf that reads tmax could not finish in time', async () => {
    const slow = { ...plainLeaf('slow-1', 'slow'), latency: { model: 'constant', ms: 5000 } as const };
    slow.bid = { ...slow.bid, respectTmax: true };
    const quick = { ...plainLeaf('quick-1', 'quick'), bid: { ...slow.bid } };
    const host = new BidderHost([slow, quick], 1);
    open.push(host);
    const port = await host.listen();
    const [a, b] = await Promise.all([dial(`ws://127.0.0.1:${port}/slow-1`), dial(`ws://127.0.0.1:${port}/quick-1`)]);
    try {
      // tmax is 95 ms: the 5 s service cannot make it, the 1 ms one can.
      expect(await answers(a, ['late'])).toEqual([{ id: 'late', nbr: 15 }]);
      expect((await answers(b, ['soon']))[0]!.seatbid).toBeDefined();
    } finally {
      a.terminate();
      b.terminate();
    }
    expect(host.stats().map((s) => [s.name, s.tooLate, s.queued, s.busy])).toEqual([
      ['slow-1', 1, 0, 0],
      ['quick-1', 0, 0, 0],
    ]);
  }, 20_000);

  it('cuts off a client that sends requests and never reads, once its unsent answers pass the bound', async () => {
    const { host, port } = await listening(undefined, { maxBufferedBytes: 64 * 1024 });
    expect(await neverReads(port, 60_000)).toBe('cut off');
    const [stats] = host.stats();
    expect(stats!.slowReaders).toBe(1);
    // It stopped answering at the cut: far fewer answers than requests went out.
    expect(decodeHistogram(stats!.lateness!).totalCount).toBeLessThan(60_000);
    // And it goes on serving everyone else.
    expect(await answerId(`ws://127.0.0.1:${port}/dsp-1`, 'after')).toBe('after');
  }, 20_000);

  it('keeps such a client while its unsent answers stay under the bound', async () => {
    const { host, port } = await listening(undefined, { maxBufferedBytes: 1 << 30 });
    expect(await neverReads(port, 2_000)).toBe('open');
    expect(host.stats()[0]!.slowReaders).toBe(0);
  }, 20_000);
});
