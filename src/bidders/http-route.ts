// The bidder host's HTTP route: each leaf also answers `POST /<leaf>` with the decision it makes over
// WebSocket (the same pure leaf, the same random stream): 200 with a BidResponse, 204 for a no-bid, a
// truncated body when malformed, a closed connection on a disconnect, nothing while silent. Bodies are
// gunzipped when sent so and answers gzipped when the client accepts it. Its bids carry `nurl` and
// `lurl` back at the host (`GET /<leaf>/win`, `/<leaf>/loss`), so notices are counted as over WebSocket.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip, gzipSync } from 'node:zlib';
import type { BidRequest, BidResponse } from '../protocol/openrtb.js';
import type { Parsed } from '../protocol/parse.js';
import { recordMs, type Histogram } from '../lib/histogram.js';
import { performance } from 'node:perf_hooks';
import type { LeafServer } from './capacity.js';
import { malformed, refusal, type Leaf } from './decision.js';
import { DelayQueue } from './delay-queue.js';

/** What the route reads and counts of a leaf (the host's ServedLeaf). */
export interface HttpServed {
  readonly leaf: Leaf;
  /** Hostile leaves misbehave on WebSocket only; over HTTP they are not served. */
  readonly hostile: unknown;
  /** Its finite capacity (capacity.ts), shared with its WebSocket requests; null: served at once. */
  readonly server: LeafServer | null;
  requests: number;
  wins: number;
  losses: number;
  badRequests: number;
  readonly delays: Histogram;
  readonly lateness: Histogram;
}

export interface HttpRouteOptions {
  maxPayload: number;
  spinMs: number;
  /** Whether the request carries the host's token (always true without one). */
  authorized: (req: IncomingMessage) => boolean;
  /** The leaf a path names, percent-decoded; null when it does not decode. */
  leafName: (path: string) => string | null;
  served: (name: string) => HttpServed | undefined;
  /** Read a request body once for every leaf (the host remembers recent ones). */
  parse: (text: string) => Parsed<BidRequest>;
}

/** An answer waiting for its delay: where it goes and what counts it. */
interface Waiting {
  res: ServerResponse;
  served: HttpServed;
  gzip: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const JSON_GZIP_HEADERS = { 'content-type': 'application/json', 'content-encoding': 'gzip' };

function answer(w: Waiting, text: string, lateMs: number): void {
  recordMs(w.served.lateness, lateMs);
  const res = w.res;
  if (res.destroyed || res.headersSent) return; // the exchange gave up on it (its auction closed)
  if (text === '') {
    res.writeHead(204).end();
    return;
  }
  if (w.gzip) res.writeHead(200, JSON_GZIP_HEADERS).end(gzipSync(text));
  else res.writeHead(200, JSON_HEADERS).end(text);
}

function hangUp(w: Waiting): void {
  w.res.socket?.destroy();
}

function status(res: ServerResponse, code: number): void {
  res.writeHead(code, { 'content-length': 0 }).end();
}

export class HttpRoute {
  private readonly queue: DelayQueue<Waiting, string>;

  constructor(private readonly opts: HttpRouteOptions) {
    this.queue = new DelayQueue(opts.spinMs);
  }

  close(): void {
    this.queue.close();
  }

  /** Serve one HTTP request (anything but a WebSocket upgrade). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    // The token first, on every request: without it nothing about the path is looked at.
    if (!this.opts.authorized(req)) return status(res, 401);
    const path = (req.url ?? '/').split('?')[0]!;
    const slash = path.indexOf('/', 1);
    const name = this.opts.leafName(slash < 0 ? path : path.slice(0, slash));
    const served = name === null ? undefined : this.opts.served(name);
    if (served === undefined || served.hostile !== null) return status(res, 404);
    const rest = slash < 0 ? '' : path.slice(slash);
    if (req.method === 'GET' && (rest === '/win' || rest === '/loss')) {
      if (rest === '/win') served.wins++;
      else served.losses++;
      return status(res, 204);
    }
    if (rest !== '') return status(res, 404);
    if (req.method === 'GET') {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required (or POST a BidRequest)\n');
      return;
    }
    if (req.method !== 'POST') return status(res, 405);
    this.readBody(req, res, served);
  }

  private readBody(req: IncomingMessage, res: ServerResponse, served: HttpServed): void {
    const max = this.opts.maxPayload;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > max) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return status(res, 413);
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') {
        gunzip(body, { maxOutputLength: max }, (err, plain) => {
          if (err !== null) return this.bad(res, served);
          this.decide(req, res, served, plain.toString());
        });
      } else this.decide(req, res, served, body.toString());
    });
  }

  private bad(res: ServerResponse, served: HttpServed): void {
    served.badRequests++;
    status(res, 400);
  }

  private decide(req: IncomingMessage, res: ServerResponse, served: HttpServed, text: string): void {
    const parsed = this.opts.parse(text);
    if (!parsed.ok) return this.bad(res, served);
    served.requests++;
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    if (served.server !== null) return this.serve(req, res, served, served.server, parsed.value, gzip);
    const d = served.leaf.decide(parsed.value);
    switch (d.kind) {
      case 'silent':
        return; // held open until the exchange gives up on it
      case 'respond': {
        recordMs(served.delays, d.delayMs);
        const text =
          d.response.seatbid === undefined ? '' : withNotices(d.response, req.headers.host, served.leaf.name);
        this.queue.after(d.delayMs, answer, { res, served, gzip }, text);
        return;
      }
      case 'malformed':
        recordMs(served.delays, d.delayMs);
        this.queue.after(d.delayMs, answer, { res, served, gzip }, malformed(parsed.value.id));
        return;
      case 'disconnect':
        this.queue.after(d.delayMs, hangUp, { res, served, gzip }, '');
        return;
    }
  }

  /**
   * A leaf with a server, as the WebSocket path serves it (host.ts): the request takes its place in the
   * leaf's queue, and its answer goes out after its wait plus its service time, or at once as a no-bid
   * (with its reason) when refused.
   */
  private serve(
    req: IncomingMessage,
    res: ServerResponse,
    served: HttpServed,
    server: LeafServer,
    request: BidRequest,
    gzip: boolean,
  ): void {
    const d = served.leaf.draw(request);
    const wait = server.admit(performance.now(), d.delayMs, request.tmax);
    const w: Waiting = { res, served, gzip };
    if (wait < 0) {
      recordMs(served.delays, 0);
      this.queue.after(0, answer, w, JSON.stringify(refusal(request.id, wait)));
      return;
    }
    const delayMs = wait + d.delayMs;
    switch (d.kind) {
      case 'silent':
        return;
      case 'malformed':
        recordMs(served.delays, delayMs);
        this.queue.after(delayMs, answer, w, malformed(request.id));
        return;
      case 'disconnect':
        this.queue.after(delayMs, hangUp, w, '');
        return;
      case 'no-bid':
        recordMs(served.delays, delayMs);
        this.queue.after(delayMs, answer, w, '');
        return;
      default:
        recordMs(served.delays, delayMs);
        this.queue.after(delayMs, answer, w, withNotices(served.leaf.answer(d), req.headers.host, served.leaf.name));
    }
  }
}

/**
 * The response as JSON with each bid's `nurl` and `lurl` pointing back at this host, on the origin the
 * exchange called (its Host header), so the exchange, which fetches notices on the bid's own origin
 * only, sends them here.
 */
function withNotices(response: BidResponse, host: string | undefined, leaf: string): string {
  if (host !== undefined) {
    const base = `http://${host}/${encodeURIComponent(leaf)}`;
    const nurl = `${base}/win?price=\${AUCTION_PRICE}`;
    const lurl = `${base}/loss?loss=\${AUCTION_LOSS}`;
    for (const seat of response.seatbid ?? []) {
      for (const bid of seat.bid) {
        bid.nurl = nurl;
        bid.lurl = lurl;
      }
    }
  }
  return JSON.stringify(response);
}
