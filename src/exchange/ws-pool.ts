// The live links: one `ws` client connection per leaf, dialled by the exchange (as a real exchange
// calls its bidders' endpoints) and redialled with exponential backoff and jitter when it drops.

import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import type { Notice } from '../protocol/openrtb.js';
import type { DropReason, Link, LinkHandler } from './link.js';

export interface PoolTarget {
  url: string;
  /** Sent as `Authorization: Bearer <token>` on the upgrade. */
  token?: string;
}

export interface PoolOptions {
  /** Largest frame accepted from a leaf, in bytes; a larger one drops the connection. */
  maxPayload: number;
  /** First redial delay; doubles per failed attempt up to `maxBackoffMs`, with ±50% jitter. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Dial timeout per attempt. */
  handshakeTimeoutMs: number;
  /**
   * Bytes queued for a leaf (ws.bufferedAmount) beyond which it is cut off as a slow reader: a leaf
   * that stops reading would otherwise make the exchange buffer without bound. Its requests in
   * flight are lost and it is redialled with backoff.
   */
  maxBufferedBytes: number;
  /**
   * A connection must stay up this long before the backoff starts again from `initialBackoffMs`; a
   * leaf that accepts and drops at once (or is cut off) keeps backing off instead of being redialled
   * in a tight loop.
   */
  stableMs: number;
}

export const POOL_DEFAULTS: PoolOptions = {
  maxPayload: 64 * 1024,
  initialBackoffMs: 50,
  maxBackoffMs: 5000,
  handshakeTimeoutMs: 3000,
  maxBufferedBytes: 4 * 1024 * 1024,
  stableMs: 1000,
};

/** The redial delay after `attempt` consecutive failures: capped exponential with equal jitter. */
export function backoffMs(
  attempt: number,
  opts: Pick<PoolOptions, 'initialBackoffMs' | 'maxBackoffMs'>,
  rand: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxBackoffMs, opts.initialBackoffMs * 2 ** attempt);
  return ceiling / 2 + (rand() * ceiling) / 2;
}

/** Send options for the request's UTF-8 bytes: a text frame, as a string would be. */
const TEXT_FRAME = { binary: false } as const;

/**
 * A leaf is a flood once its frames pass FLOOD_RATIO per request sent plus FLOOD_SLACK, counted over
 * a window halved every FLOOD_WINDOW requests. A leaf answers each request once (a duplicating one
 * twice, still kept and counted invalid); one sending 10 frames per request is cut off within about
 * 60 frames, one that sends without being asked within 33, and never more than about 300 in all.
 */
const FLOOD_RATIO = 4;
/** Bidders named one per line when connect() gives up; the rest are counted. */
const MAX_LISTED = 20;

/**
 * Why a dial failed, in words a user can act on: the HTTP status a server answered the upgrade with
 * (401: the token; 404: no such leaf on that host; anything else: not a WebSocket endpoint), a
 * refused or unreachable address, or a handshake that never finished.
 */
export function wsFailure(err: Error & { code?: string }, handshakeTimeoutMs: number): string {
  const status = /^Unexpected server response: (\d+)/.exec(err.message)?.[1];
  if (status === '401' || status === '403')
    return `HTTP ${status}: refused the token (set the group's "token" to the host's)`;
  if (status === '404') return 'HTTP 404: the host serves no leaf by this name (check the group name and count)';
  if (status !== undefined) return `HTTP ${status}: not a WebSocket endpoint (no upgrade)`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens at this address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset during the handshake';
  }
  if (/handshake has timed out/i.test(err.message)) return `no WebSocket handshake within ${handshakeTimeoutMs} ms`;
  return err.code !== undefined ? `${err.code}: ${err.message}` : err.message;
}
const FLOOD_SLACK = 32;
const FLOOD_WINDOW = 64;

/**
 * A client must mask what it sends (RFC 6455 5.3) with a fresh, unpredictable key per frame. The mask
 * protects proxies on the way from frames whose bytes a browser script chose; ws copies every frame
 * to mask it. On a loopback link there is no proxy, and the exchange sends only what it built, so
 * there it uses a zero key, which servers accept and ws recognises and skips (its `generateMask`
 * option): a send hands the encoded request to the socket as it is, instead of allocating a masked
 * copy per leaf. Links to other hosts keep ws's random keys.
 */
export function zeroMask(mask: Buffer): void {
  mask[0] = mask[1] = mask[2] = mask[3] = 0;
}

/** Whether `url` names this machine (127.0.0.0/8, ::1 or localhost). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

class WsLink implements Link {
  readonly wantsText = true;
  ws: WebSocket | null = null;
  up = false;
  attempt = 0;
  redial: NodeJS.Timeout | null = null;
  /** How many times the connection came up (first dial included). */
  connects = 0;
  /** Dial attempts, successful or not. */
  dials = 0;
  /** performance.now() when the connection came up; -Infinity once cut off (so no backoff reset). */
  openedAt = 0;
  /** The socket corked until the pool's next flush, or null (see WsPool.hold). */
  corked: Duplex | null = null;
  /**
   * Frames received and requests sent over a window that halves both every FLOOD_WINDOW requests (so
   * old traffic fades and the ratio is recent): a leaf far over FLOOD_RATIO frames per request is
   * cut off as a flood (WsPool.onFrame). Reset on each connection.
   */
  framesWin = 0;
  requestsWin = 0;
  /** Why the last dial failed, in words (wsFailure), or null; what connect() names a bidder never reached with. */
  lastFailure: string | null = null;

  constructor(
    private readonly leaf: number,
    private readonly pool: WsPool,
    private readonly maxBuffered: number,
  ) {}

  sendRequest(text: Buffer): boolean {
    if (!this.up) return false;
    const ws = this.ws as WebSocket;
    // Checked before the send, so what a leaf can make us hold is bounded by the limit plus one frame.
    // Cutting off settles its other requests LOST; this one was never sent, so it is LOST too.
    if (ws.bufferedAmount > this.maxBuffered) {
      this.pool.cutOff(this.leaf);
      return false;
    }
    if (this.corked === null) this.pool.hold(this, ws);
    ws.send(text, TEXT_FRAME);
    if (++this.requestsWin >= FLOOD_WINDOW) {
      this.requestsWin >>= 1;
      this.framesWin >>= 1;
    }
    return true;
  }

  sendNotice(notice: Notice): void {
    if (!this.up) return;
    const ws = this.ws as WebSocket;
    if (ws.bufferedAmount > this.maxBuffered) {
      // Notices go out while an auction is closing; cut off after it, not in the middle of it.
      queueMicrotask(() => this.pool.cutOff(this.leaf));
      return;
    }
    if (this.corked === null) this.pool.hold(this, ws);
    ws.send(JSON.stringify(notice));
  }
}

export class WsPool {
  readonly links: readonly Link[];
  private readonly wsLinks: WsLink[];
  private readonly opts: PoolOptions;
  private closing = false;
  /** Links corked this turn of the event loop. */
  private readonly held: WsLink[] = [];

  constructor(
    private readonly targets: readonly PoolTarget[],
    private readonly handler: LinkHandler,
    options: Partial<PoolOptions> = {},
  ) {
    this.opts = { ...POOL_DEFAULTS, ...options };
    this.wsLinks = targets.map((_, i) => new WsLink(i, this, this.opts.maxBufferedBytes));
    this.links = this.wsLinks;
  }

  /**
   * Cork `link`'s socket until the current callback returns (process.nextTick), so everything sent
   * to one leaf from one callback (the notices of the auctions a chunk of answers closed, requests
   * scattered together) leaves in one write: the syscall per frame, not the frame, is what costs on
   * this path. Nothing waits: the flush runs before the loop goes back to I/O. (Flushing in the check
   * phase batches more but holds requests behind the turn's other I/O; measured slower: bench/.)
   */
  hold(link: WsLink, ws: WebSocket): void {
    const socket = (ws as unknown as { _socket: Duplex })._socket;
    socket.cork();
    link.corked = socket;
    if (this.held.push(link) === 1) process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    const held = this.held;
    for (let i = 0; i < held.length; i++) {
      const link = held[i]!;
      const socket = link.corked;
      link.corked = null;
      socket?.uncork();
    }
    held.length = 0;
  };

  /** Dial every target; resolves when each has been reached, rejects naming the ones never reached after `timeoutMs`. */
  connect(timeoutMs = 5000): Promise<void> {
    for (let i = 0; i < this.targets.length; i++) this.dial(i);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        // Reached at least once counts: a leaf that accepts and then drops (or flaps) is the
        // exchange's to count as lost, not a reason to refuse to start.
        const down = this.wsLinks.flatMap((l, i) => (l.up || l.connects > 0 ? [] : [i]));
        if (down.length === 0) return resolve();
        if (this.closing) return reject(new Error('pool closed while connecting'));
        if (Date.now() - started > timeoutMs) {
          // One line per bidder with its cause (the first MAX_LISTED), then how many more.
          const lines = down
            .slice(0, MAX_LISTED)
            .map(
              (i) => `  ${this.targets[i]!.url}: ${this.wsLinks[i]!.lastFailure ?? 'no answer yet (still dialling)'}`,
            );
          if (down.length > MAX_LISTED) lines.push(`  ... and ${down.length - MAX_LISTED} more`);
          return reject(
            new Error(`could not connect to ${down.length} bidder(s) within ${timeoutMs} ms:\n${lines.join('\n')}`),
          );
        }
        setTimeout(check, 10);
      };
      check();
    });
  }

  /** Reconnections beyond the first connection, per leaf. */
  reconnects(leaf: number): number {
    return Math.max(0, (this.wsLinks[leaf]?.connects ?? 0) - 1);
  }

  /** Dial attempts so far (the first included), per leaf. */
  dials(leaf: number): number {
    return this.wsLinks[leaf]?.dials ?? 0;
  }

  /**
   * Drop a leaf that is not reading what we send: its requests in flight become LOST now (not at
   * their deadlines), the socket is destroyed, and the redial backs off.
   */
  cutOff(leaf: number, reason: DropReason = 'slow-reader'): void {
    const link = this.wsLinks[leaf];
    if (link === undefined || !link.up || link.ws === null) return;
    link.up = false;
    link.openedAt = -Infinity;
    this.handler.onDown(leaf, reason);
    link.ws.terminate();
  }

  isUp(leaf: number): boolean {
    return this.wsLinks[leaf]?.up ?? false;
  }

  close(): Promise<void> {
    this.closing = true;
    const waits: Array<Promise<void>> = [];
    for (const link of this.wsLinks) {
      if (link.redial !== null) clearTimeout(link.redial);
      link.redial = null;
      const ws = link.ws;
      if (ws === null || ws.readyState === WebSocket.CLOSED) continue;
      waits.push(new Promise((resolve) => ws.once('close', () => resolve())));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1001, 'exchange shutting down');
      // A peer that never completes the closing handshake must not hold the process open.
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    return Promise.all(waits).then(() => undefined);
  }

  private dial(leaf: number): void {
    const link = this.wsLinks[leaf]!;
    const target = this.targets[leaf]!;
    link.redial = null;
    link.dials++;
    const headers: Record<string, string> = {};
    if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(target.url, {
        perMessageDeflate: false,
        maxPayload: this.opts.maxPayload,
        handshakeTimeout: this.opts.handshakeTimeoutMs,
        headers,
        generateMask: isLoopback(target.url) ? zeroMask : undefined,
      });
    } catch (err) {
      // A URL ws cannot dial (validation should have refused it): never reached, and no redial.
      link.lastFailure = `not a URL this can dial: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    link.ws = ws;
    ws.on('open', () => {
      link.up = true;
      link.lastFailure = null;
      link.framesWin = 0;
      link.requestsWin = 0;
      link.openedAt = performance.now();
      link.connects++;
      this.handler.onUp(leaf);
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      // A leaf cut off is done: frames still in the socket's buffer answer nothing.
      if (!link.up) return;
      // A leaf that sends far more than it is asked is cut off before its frames cost every auction.
      if (++link.framesWin > FLOOD_RATIO * link.requestsWin + FLOOD_SLACK) return this.cutOff(leaf, 'flood');
      if (isBinary) this.handler.onBadFrame(leaf, 'binary-frame');
      else this.handler.onText(leaf, data.toString());
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (!link.up) link.lastFailure = wsFailure(err, this.opts.handshakeTimeoutMs);
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.handler.onBadFrame(leaf, 'too-large');
      // Otherwise nothing to do: 'close' always follows and handles the redial.
    });
    ws.on('close', () => {
      const wasUp = link.up;
      link.up = false;
      link.ws = null;
      if (wasUp && performance.now() - link.openedAt >= this.opts.stableMs) link.attempt = 0;
      // A close we asked for is not a drop: the run is over and nothing is in flight.
      if (wasUp && !this.closing) this.handler.onDown(leaf);
      if (this.closing) return;
      link.redial = setTimeout(() => this.dial(leaf), backoffMs(link.attempt++, this.opts));
    });
  }
}
