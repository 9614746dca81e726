// The bidder host: one server serving many leaves by path, over WebSocket (ws://host:port/<leaf>) and
// HTTP (`POST /<leaf>`, http-route.ts). The decisions are pure (decision.ts); this shell only parses,
// waits and sends. Each leaf keeps one random stream across reconnections and transports, and a
// histogram of the delays it applied.

import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BidRequest } from '../protocol/openrtb.js';
import { bidRequestFrom, isNotice, parseJson, type Parsed } from '../protocol/parse.js';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from '../lib/histogram.js';
import { leafServer, type LeafServer } from './capacity.js';
import type { LeafConfig } from './config.js';
import { createLeaf, malformed, refusal, type Leaf } from './decision.js';
import { DelayQueue, type DelayedFn } from './delay-queue.js';
import { HostileLeaf } from './hostile.js';
import { HttpRoute } from './http-route.js';

export interface HostOptions {
  /** 0 picks a free port. */
  port: number;
  /** Loopback unless told otherwise. */
  host: string;
  /** When set, an upgrade without `Authorization: Bearer <token>` is refused with 401. */
  token?: string;
  maxPayload: number;
  /**
   * How close to an answer's due time the host stops sleeping and spins (setImmediate turns) to send
   * it on time to the microsecond; 0 sends on Node's millisecond timers (up to ~1 ms late). Spinning
   * keeps a core busy whenever answers are due within the window, so it suits a host with a core of
   * its own; on a shared machine it takes CPU from the exchange's deadlines (see bench/).
   */
  spinMs: number;
  /**
   * Bytes of answers a connection may have unsent (ws.bufferedAmount) before the host cuts it off as
   * a slow reader, as the exchange does to its leaves: a client that sends requests and never reads
   * would otherwise grow the host without bound. 4 MiB, as the exchange's.
   */
  maxBufferedBytes: number;
}

export const HOST_DEFAULTS: HostOptions = {
  port: 0,
  host: '127.0.0.1',
  maxPayload: 64 * 1024,
  spinMs: 0,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** What a leaf saw, for the runner to merge into its report. */
export interface LeafHostStats {
  name: string;
  requests: number;
  wins: number;
  losses: number;
  badRequests: number;
  /** Compressed base64 HdrHistogram (µs) of the delays applied to answers. */
  delays: string;
  /**
   * Compressed base64 HdrHistogram (µs) of how late the host's timer sent each delayed answer. The
   * reports leave it out (the gap between host delays and response times shows it, with the rest);
   * bench/ reads it to tell the host's timers apart from the exchange's overhead.
   */
  lateness?: string;
  /** Connections cut off because their unsent answers passed HostOptions.maxBufferedBytes. */
  slowReaders?: number;
  /** A leaf with a capacity or that reads tmax (capacity.ts): requests that waited for a server. */
  queued?: number;
  /** Requests refused at once because every server was busy and the queue full (no-bid reason 1). */
  busy?: number;
  /** Requests refused at once because they would not finish within their tmax (no-bid reason 15). */
  tooLate?: number;
}

class ServedLeaf {
  requests = 0;
  wins = 0;
  losses = 0;
  badRequests = 0;
  slowReaders = 0;
  readonly delays: Histogram = newHistogram();
  readonly lateness: Histogram = newHistogram();
  readonly sockets = new Set<WebSocket>();
  constructor(
    readonly leaf: Leaf,
    /** Set for a hostile leaf: it gets the sockets and the requests instead of `leaf`. */
    readonly hostile: HostileLeaf | null,
    /** Set for a leaf with a capacity or that reads tmax: its requests go through it. */
    readonly server: LeafServer | null,
  ) {}

  /** Forget what was counted so far (the decisions' random stream goes on untouched). */
  resetStats(): void {
    this.requests = 0;
    this.wins = 0;
    this.losses = 0;
    this.badRequests = 0;
    this.slowReaders = 0;
    this.delays.reset();
    this.lateness.reset();
    this.server?.resetCounts();
  }
}

/** The socket an answer goes out on, the leaf that keeps its statistics, and the bound on unsent bytes. */
interface Pending {
  ws: WebSocket;
  served: ServedLeaf;
  maxBuffered: number;
}

/** Sockets corked in the current callback; flushCorked uncorks them when it returns (nextTick). */
const corked: Duplex[] = [];

function flushCorked(): void {
  for (let i = 0; i < corked.length; i++) corked[i]!.uncork();
  corked.length = 0;
}

/**
 * Send, with the socket corked until the current callback returns: every answer to one leaf from one
 * callback (a burst of requests read in one chunk, answers due together) leaves in one write. The
 * syscall per frame, not the frame, is what costs the host most; nothing waits.
 */
function send(ws: WebSocket, text: string): void {
  const socket = (ws as unknown as { _socket: Duplex })._socket;
  if (socket.writableCorked === 0) {
    socket.cork();
    if (corked.push(socket) === 1) process.nextTick(flushCorked);
  }
  ws.send(text);
}

function sendTimed(p: Pending, text: string, lateMs: number): void {
  recordMs(p.served.lateness, lateMs);
  const ws = p.ws;
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > p.maxBuffered) return cutOff(ws, p.served);
  send(ws, text);
}

/** Cut off a connection that does not read its answers (counted once per connection). */
function cutOff(ws: WebSocket, served: ServedLeaf): void {
  if (ws.readyState !== ws.OPEN) return;
  served.slowReaders++;
  ws.terminate();
}

function dropLater(p: Pending): void {
  p.ws.terminate();
}

/** The leaf an upgrade asks for (`/<leaf>?…`, percent-decoded); null when the path does not decode. */
function requestedLeaf(url: string | undefined): string | null {
  try {
    return decodeURIComponent((url ?? '/').split('?')[0]!.slice(1));
  } catch {
    return null; // URIError: a malformed escape such as `%E0%A4%A`
  }
}

/**
 * Whether an Authorization header carries `token` as a bearer token. The scheme is case-insensitive
 * (RFC 9110 section 11.1: "bearer" and "BEARER" are "Bearer"); the token is compared in constant time.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
  if (m === null) return false;
  const got = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** How many request texts the host remembers (see BidderHost.recent), and at most how many chars. */
const RECENT_REQUESTS = 256;
const RECENT_CHARS = 1 << 20;

export class BidderHost {
  private readonly leaves = new Map<string, ServedLeaf>();
  private readonly opts: HostOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  /** `POST /<leaf>`: the same leaves over HTTP (http-route.ts). */
  private readonly route: HttpRoute;
  /** Every delayed answer, on one precise timer (see delay-queue.ts). */
  private readonly queue: DelayQueue<Pending, string>;
  /**
   * Request texts read lately and what they parsed to, oldest first. A leaf's socket brings several
   * requests in one read, so by the time the next leaf's copy of a request is read, a few others
   * have been: one entry is not enough; RECENT_REQUESTS covers the requests of many turns.
   */
  private readonly recent = new Map<string, Parsed<BidRequest>>();
  /** The length of the texts in `recent`: at most RECENT_CHARS (the parsed values beside them are of a like size). */
  private recentChars = 0;

  constructor(configs: readonly LeafConfig[], seed: number | string, options: Partial<HostOptions> = {}) {
    this.opts = { ...HOST_DEFAULTS, ...options };
    this.queue = new DelayQueue(this.opts.spinMs);
    for (const c of configs) {
      const hostile = c.hostile === undefined ? null : new HostileLeaf(c.hostile);
      this.leaves.set(c.name, new ServedLeaf(createLeaf(c, seed), hostile, hostile === null ? leafServer(c) : null));
    }
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: this.opts.maxPayload });
    const token = this.opts.token;
    this.route = new HttpRoute({
      maxPayload: this.opts.maxPayload,
      spinMs: this.opts.spinMs,
      authorized: (req) => token === undefined || bearerMatches(req.headers.authorization, token),
      leafName: requestedLeaf,
      served: (name) => this.leaves.get(name),
      parse: (text) => this.parseShared(text),
    });
    this.http = createServer((req, res) => this.route.handle(req, res));
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** Listen; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port, this.opts.host, () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  /** The hostile leaf named `name`, if it is one (for tests to read what it sent). */
  hostileLeaf(name: string): HostileLeaf | undefined {
    return this.leaves.get(name)?.hostile ?? undefined;
  }

  /** The chars of the request texts remembered for reading once (bounded by RECENT_CHARS). */
  get rememberedChars(): number {
    return this.recentChars;
  }

  get leafNames(): string[] {
    return [...this.leaves.keys()];
  }

  stats(): LeafHostStats[] {
    return [...this.leaves.entries()].map(([name, s]) => ({
      name,
      requests: s.requests,
      wins: s.wins,
      losses: s.losses,
      badRequests: s.badRequests,
      slowReaders: s.slowReaders,
      delays: encodeHistogram(s.delays),
      lateness: encodeHistogram(s.lateness),
      ...(s.server !== null && { queued: s.server.queued, busy: s.server.busy, tooLate: s.server.tooLate }),
    }));
  }

  /**
   * Start the statistics afresh: the runner calls this when its warm-up ends, so that what stats()
   * reports covers the same stretch as the exchange's measurements. Answers already waiting in the
   * queue still count against the leaf's lateness when they go out.
   */
  mark(): void {
    for (const s of this.leaves.values()) s.resetStats();
  }

  /** Stop answering, close every connection and the server. */
  close(): Promise<void> {
    this.queue.close();
    this.route.close();
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => {
      this.wss.close(() => this.http.close(() => resolve()));
      this.http.closeAllConnections();
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client may reset the connection while it is refused (a dialler giving up on a 401 or 404): the
    // socket's error must not become the host's uncaught exception. (ws adds its own once upgraded.)
    socket.on('error', () => socket.destroy());
    // The token first: without it, nothing about the path is looked at or answered.
    if (this.opts.token !== undefined && !bearerMatches(req.headers.authorization, this.opts.token)) {
      return refuse(socket, '401 Unauthorized');
    }
    const name = requestedLeaf(req.url);
    if (name === null) return refuse(socket, '400 Bad Request');
    const served = this.leaves.get(name);
    if (served === undefined) return refuse(socket, '404 Not Found');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      served.sockets.add(ws);
      ws.on('close', () => served.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.onMessage(served, ws, data.toString());
      });
      served.hostile?.attach(ws);
    });
  }

  private onMessage(served: ServedLeaf, ws: WebSocket, text: string): void {
    // The exchange sends one request text to every leaf it calls, and the host reads it once: leaves
    // only read a request, never change it, so they share one. Notices, different for every leaf, are
    // not kept.
    let parsed = this.recent.get(text);
    if (parsed === undefined) {
      const value = parseJson(text);
      if (isNotice(value)) {
        if ((value as { notice: unknown }).notice === 'win') served.wins++;
        else served.losses++;
        return;
      }
      parsed = bidRequestFrom(value);
      this.remember(text, parsed);
    }
    if (!parsed.ok) {
      served.badRequests++;
      return;
    }
    served.requests++;
    // A client that keeps sending but does not read: cut it off before answering more.
    if (ws.bufferedAmount > this.opts.maxBufferedBytes) return cutOff(ws, served);
    if (served.hostile !== null) return served.hostile.onRequest(ws, parsed.value);
    if (served.server !== null) return this.serve(served, served.server, ws, parsed.value);
    const d = served.leaf.decide(parsed.value);
    switch (d.kind) {
      case 'silent':
        return;
      case 'respond':
        recordMs(served.delays, d.delayMs);
        this.after(d.delayMs, sendTimed, ws, JSON.stringify(d.response), served);
        return;
      case 'malformed':
        recordMs(served.delays, d.delayMs);
        this.after(d.delayMs, sendTimed, ws, malformed(parsed.value.id), served);
        return;
      case 'disconnect':
        this.after(d.delayMs, dropLater, ws, '', served);
        return;
    }
  }

  /**
   * A leaf with a server: the request takes its place in the leaf's queue now (capacity.ts), and its
   * answer goes out after its wait plus its service time, or at once as a no-bid when refused.
   */
  private serve(served: ServedLeaf, server: LeafServer, ws: WebSocket, req: BidRequest): void {
    const d = served.leaf.draw(req);
    const wait = server.admit(performance.now(), d.delayMs, req.tmax);
    if (wait < 0) {
      recordMs(served.delays, 0);
      this.after(0, sendTimed, ws, JSON.stringify(refusal(req.id, wait)), served);
      return;
    }
    const delayMs = wait + d.delayMs;
    switch (d.kind) {
      case 'silent':
        return;
      case 'malformed':
        recordMs(served.delays, delayMs);
        this.after(delayMs, sendTimed, ws, malformed(req.id), served);
        return;
      case 'disconnect':
        this.after(delayMs, dropLater, ws, '', served);
        return;
      default:
        recordMs(served.delays, delayMs);
        this.after(delayMs, sendTimed, ws, JSON.stringify(served.leaf.answer(d)), served);
    }
  }

  /** A request text read once for every leaf it reaches (HTTP bodies; see onMessage). */
  private parseShared(text: string): Parsed<BidRequest> {
    let parsed = this.recent.get(text);
    if (parsed === undefined) {
      parsed = bidRequestFrom(parseJson(text));
      this.remember(text, parsed);
    }
    return parsed;
  }

  private remember(text: string, parsed: Parsed<BidRequest>): void {
    const recent = this.recent;
    recent.set(text, parsed);
    this.recentChars += text.length;
    // Oldest first, never the one just added.
    for (const oldest of recent.keys()) {
      if (oldest === text || (recent.size <= RECENT_REQUESTS && this.recentChars <= RECENT_CHARS)) break;
      recent.delete(oldest);
      this.recentChars -= oldest.length;
    }
  }

  private after(
    delayMs: number,
    fn: DelayedFn<Pending, string>,
    ws: WebSocket,
    text: string,
    served: ServedLeaf,
  ): void {
    this.queue.after(delayMs, fn, { ws, served, maxBuffered: this.opts.maxBufferedBytes }, text);
  }
}
