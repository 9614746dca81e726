// The HTTP links: each request an HTTP/1.1 POST of the same BidRequest JSON the WebSocket links send,
// through one undici keep-alive Pool per origin (leaves on one bidder host share its connections).
// 200 with a body is an answer, 204 or an empty body a no-bid; any other status and every transport
// error fail that one request with a reason, and the others in flight go on. A request still out
// when its auction closes is aborted (abandon): HTTP/1.1 can only abort by closing its connection,
// which the pool replaces. Win, loss and billing notices are GETs of the bid's own nurl / lurl / burl
// with the macros substituted, only to the origin the bid came from.

import { connect as tcpConnect } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Pool, type Dispatcher } from 'undici';
import { substituteMacros } from '../protocol/macros.js';
import type { BidRequest, Notice } from '../protocol/openrtb.js';
import { httpStatusReason, NOT_JSON, parseJson, responseId, type InvalidReason } from '../protocol/parse.js';
import type { Link, LinkHandler, NoticeSource } from './link.js';

export interface HttpTarget {
  /** http:// or https://; the path is what is POSTed to. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` on every request and notice. */
  token?: string;
  /** Gzip the request bodies and accept gzipped answers. */
  gzip?: boolean;
}

export interface HttpLinkOptions {
  /** Largest answer body read, in bytes (after gunzip); a larger one fails its request as too-large. */
  maxPayload: number;
  /** Connections per origin at most: requests beyond them wait in the pool's queue. */
  connections: number;
  /** How long an idle keep-alive connection is kept (the server's Keep-Alive hint may lower it). */
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  /** A notice not answered within this is given up (counted failed). */
  noticeTimeoutMs: number;
  /**
   * A bid request's own cap, far past any deadline: the auction's close aborts it long before, so this
   * only bounds a request the exchange never abandoned.
   */
  requestTimeoutMs: number;
}

export const HTTP_LINK_DEFAULTS: HttpLinkOptions = {
  maxPayload: 64 * 1024,
  connections: 512,
  keepAliveTimeoutMs: 4000,
  connectTimeoutMs: 3000,
  noticeTimeoutMs: 5000,
  requestTimeoutMs: 30_000,
};

/** What a leaf's notices came to: fetched (answered 2xx), failed, or refused for another origin. */
export interface NoticeCounts {
  sent: number;
  failed: number;
  offOrigin: number;
}

/**
 * An undici error's reason as the exchange counts it: no answer came. undici's "other side closed"
 * (UND_ERR_SOCKET) is the peer closing the connection before it answered, as a reset does.
 */
export function transportReason(err: Error & { code?: string }): InvalidReason {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'econnreset';
    case 'ECONNREFUSED':
      return 'econnrefused';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect-timeout';
  }
  return 'socket-error';
}

const ABANDONED = new Error('the auction closed');

/** One bid request in flight: undici's handler for it, settled exactly once. */
class Exchanged implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;
  status = 0;
  gzipped = false;
  /** Received body chunks (usually one). */
  chunks: Buffer[] = [];
  bytes = 0;
  done = false;

  constructor(
    readonly link: HttpLink,
    readonly id: string,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Record<string, unknown>): void {
    if (status < 200) return; // 1xx: the real status follows
    this.status = status;
    const encoding = headers['content-encoding'];
    if (status !== 200 || encoding === undefined || encoding === 'identity') return;
    if (encoding === 'gzip' && this.link.gzip) this.gzipped = true;
    else {
      this.link.settle(this, 'bad-encoding', false);
      controller.abort(ABANDONED);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done || this.status !== 200) return;
    this.bytes += chunk.length;
    if (this.bytes > this.link.maxPayload) {
      this.link.settle(this, 'too-large', false);
      controller.abort(ABANDONED);
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (!this.done) this.link.answered(this);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (!this.done) this.link.settle(this, transportReason(err), true);
  }
}

/** A notice GET: counted when it ends; its body is read and dropped so the connection stays open. */
class NoticeFetch implements Dispatcher.DispatchHandler {
  status = 0;
  constructor(readonly counts: NoticeCounts) {}
  // undici tells the handler API by this method, which must be there.
  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, status: number): void {
    if (status >= 200) this.status = status;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    if (this.status >= 200 && this.status < 300) this.counts.sent++;
    else this.counts.failed++;
  }
  onResponseError(): void {
    this.counts.failed++;
  }
}

class HttpLink implements Link {
  readonly wantsText = true;
  readonly wantsNoticeSource = true;
  readonly gzip: boolean;
  readonly maxPayload: number;
  readonly notices: NoticeCounts = { sent: 0, failed: 0, offOrigin: 0 };
  /** Requests in flight by id, so the auction's close can abort what is still out. */
  private readonly inFlight = new Map<string, Exchanged>();
  private readonly path: string;
  readonly origin: string;
  private readonly requestHeaders: Record<string, string>;
  private readonly noticeHeaders: Record<string, string>;
  open = true;

  constructor(
    private readonly leaf: number,
    target: HttpTarget,
    private readonly pool: Pool,
    private readonly handler: LinkHandler,
    private readonly links: HttpLinks,
    private readonly opts: HttpLinkOptions,
  ) {
    const url = new URL(target.url);
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
    this.gzip = target.gzip === true;
    this.maxPayload = opts.maxPayload;
    const auth: Record<string, string> = target.token === undefined ? {} : { authorization: `Bearer ${target.token}` };
    this.requestHeaders = {
      'content-type': 'application/json',
      'x-openrtb-version': '2.6',
      ...auth,
      ...(this.gzip ? { 'content-encoding': 'gzip', 'accept-encoding': 'gzip' } : {}),
    };
    this.noticeHeaders = auth;
  }

  sendRequest(text: Buffer, request: BidRequest): boolean {
    if (!this.open) return false;
    const ex = new Exchanged(this, request.id);
    this.inFlight.set(request.id, ex);
    this.pool.dispatch(
      {
        path: this.path,
        method: 'POST',
        headers: this.requestHeaders,
        body: this.gzip ? this.links.gzipped(text) : text,
        headersTimeout: this.opts.requestTimeoutMs,
        bodyTimeout: this.opts.requestTimeoutMs,
      },
      ex,
    );
    return true;
  }

  abandon(id: string): void {
    const ex = this.inFlight.get(id);
    if (ex === undefined) return;
    this.inFlight.delete(id);
    ex.done = true;
    // Not yet dispatched: undici takes it from the queue when it starts (onRequestStart aborts).
    if (ex.controller !== null) ex.controller.abort(ABANDONED);
    else ex.onRequestStart = (c) => c.abort(ABANDONED);
  }

  /** A 200 (or 204) has been read whole: a no-bid, or a body that must answer this request. */
  answered(ex: Exchanged): void {
    ex.done = true;
    this.inFlight.delete(ex.id);
    if (ex.status === 204) return this.handler.onNoBid(this.leaf, ex.id);
    if (ex.status !== 200) return this.handler.onFailure(this.leaf, ex.id, httpStatusReason(ex.status), false);
    if (ex.bytes === 0) return this.handler.onNoBid(this.leaf, ex.id);
    let body = ex.chunks.length === 1 ? ex.chunks[0]! : Buffer.concat(ex.chunks);
    if (ex.gzipped) {
      try {
        body = gunzipSync(body, { maxOutputLength: this.maxPayload });
      } catch (err) {
        const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        return this.handler.onFailure(this.leaf, ex.id, tooLarge ? 'too-large' : 'bad-encoding', false);
      }
      if (body.length === 0) return this.handler.onNoBid(this.leaf, ex.id);
    }
    const value = parseJson(body.toString());
    if (value === NOT_JSON) return this.handler.onFailure(this.leaf, ex.id, 'not-json', false);
    // The body answers its own request: one that names another (or none) is wrong here, not stray.
    const id = responseId(value);
    if (id !== ex.id) {
      const reason =
        id !== undefined ? 'wrong-id' : typeof value === 'object' && value !== null ? 'missing-id' : 'not-object';
      return this.handler.onFailure(this.leaf, ex.id, reason, false);
    }
    this.handler.onValue(this.leaf, value);
  }

  /** The request failed before its answer was read: `lost` when none came. */
  settle(ex: Exchanged, reason: InvalidReason, lost: boolean): void {
    ex.done = true;
    this.inFlight.delete(ex.id);
    this.handler.onFailure(this.leaf, ex.id, reason, lost);
  }

  sendNotice(notice: Notice, source?: NoticeSource): void {
    if (!this.open || source === undefined) return;
    const bid = source.bid;
    if (notice.notice === 'win') {
      this.fetchNotice(bid.nurl, notice, source);
      this.fetchNotice(bid.burl, notice, source);
    } else {
      this.fetchNotice(bid.lurl, notice, source);
    }
  }

  private fetchNotice(url: string | undefined, notice: Notice, source: NoticeSource): void {
    if (url === undefined || url === '') return;
    let target: URL;
    try {
      target = new URL(substituteMacros(url, { notice, ...source, nowMs: Date.now() }));
    } catch {
      this.notices.offOrigin++;
      return;
    }
    // A bid may name any URL; the exchange calls only the bidder's own origin (no third party is
    // made to take requests it never asked for).
    if (target.origin !== this.origin) {
      this.notices.offOrigin++;
      return;
    }
    this.pool.dispatch(
      {
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        headers: this.noticeHeaders,
        headersTimeout: this.opts.noticeTimeoutMs,
        bodyTimeout: this.opts.noticeTimeoutMs,
      },
      new NoticeFetch(this.notices),
    );
  }

  resetCounts(): void {
    this.notices.sent = 0;
    this.notices.failed = 0;
    this.notices.offOrigin = 0;
  }
}

/** The most bidders a failed reach() names; the rest are counted. */
const MAX_UNREACHED = 20;

/** Whether `origin` takes a TCP connection within `timeoutMs`: null when it does, else why not. */
function probe(origin: string, timeoutMs: number): Promise<string | null> {
  const u = new URL(origin);
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  // An IPv6 literal's hostname keeps its brackets in a URL; a socket wants it bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (why: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(`no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

export class HttpLinks {
  readonly links: readonly Link[];
  private readonly httpLinks: HttpLink[];
  private readonly urls: readonly string[];
  private readonly pools = new Map<string, Pool>();
  private lastText: Buffer | null = null;
  private lastGzip: Buffer | null = null;

  constructor(targets: readonly HttpTarget[], handler: LinkHandler, options: Partial<HttpLinkOptions> = {}) {
    const opts = { ...HTTP_LINK_DEFAULTS, ...options };
    this.httpLinks = targets.map((t, i) => {
      const origin = new URL(t.url).origin;
      let pool = this.pools.get(origin);
      if (pool === undefined) {
        pool = new Pool(origin, {
          connections: opts.connections,
          pipelining: 1,
          keepAliveTimeout: opts.keepAliveTimeoutMs,
          connectTimeout: opts.connectTimeoutMs,
        });
        this.pools.set(origin, pool);
      }
      return new HttpLink(i, t, pool, handler, this, opts);
    });
    this.links = this.httpLinks;
    this.urls = targets.map((t) => t.url);
  }

  /**
   * Resolves once every bidder's origin has taken a TCP connection (closed again at once); rejects
   * naming each bidder whose origin did not within `timeoutMs`, with the cause. A URL nobody listens
   * on (a typo, a host not up) stops a run before it starts, as the WebSocket pool's connect() does,
   * rather than losing every request to it.
   */
  async reach(timeoutMs = 5000): Promise<void> {
    const why = new Map<string, string>();
    await Promise.all(
      [...this.pools.keys()].map(async (origin) => {
        const failed = await probe(origin, timeoutMs);
        if (failed !== null) why.set(origin, failed);
      }),
    );
    if (why.size === 0) return;
    const down = this.urls.filter((url) => why.has(new URL(url).origin));
    const lines = down.slice(0, MAX_UNREACHED).map((url) => `  ${url}: ${why.get(new URL(url).origin)!}`);
    if (down.length > MAX_UNREACHED) lines.push(`  ... and ${down.length - MAX_UNREACHED} more`);
    throw new Error(`could not connect to ${down.length} HTTP bidder(s) within ${timeoutMs} ms:\n${lines.join('\n')}`);
  }

  /** The request gzipped once per auction, for every gzip link it goes to (the exchange shares `text`). */
  gzipped(text: Buffer): Buffer {
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastGzip = gzipSync(text);
    }
    return this.lastGzip!;
  }

  /** Notice counts of link `i` (a leaf index within these targets). */
  notices(i: number): NoticeCounts {
    return { ...this.httpLinks[i]!.notices };
  }

  /** Start the notice counts afresh (the warm-up is over). */
  mark(): void {
    for (const l of this.httpLinks) l.resetCounts();
  }

  /**
   * Stop sending, let notices still out finish for up to `graceMs`, then destroy every connection
   * (aborting whatever is still out).
   */
  async close(graceMs = 1000): Promise<void> {
    for (const l of this.httpLinks) l.open = false;
    this.lastText = this.lastGzip = null;
    await Promise.all(
      [...this.pools.values()].map(async (pool) => {
        const timer = setTimeout(() => void pool.destroy().catch(() => {}), graceMs);
        try {
          await pool.close();
        } catch {
          // destroyed while closing: that is the grace running out
        } finally {
          clearTimeout(timer);
        }
        if (!pool.destroyed) await pool.destroy().catch(() => {});
      }),
    );
  }
}
