// A hostile bidder leaf: instead of deciding bids it misbehaves on command, one way per `mode`, so the
// exchange's defences can be tested and soaked. It runs inside the bidder host (host.ts hands it the
// leaf's socket and every request), in a test's process or in the host's child process; `sigkill`
// kills the process it runs in, so it belongs in a child host only.

import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { checkKeys, integerIn, isRecord, mustBe, readEnum, readField, readNumber, type Issue } from '../lib/issues.js';
import type { BidRequest } from '../protocol/openrtb.js';

/**
 * What the leaf does. Per request unless noted:
 * - not-json: text that is not JSON and names no request (the request then times out);
 * - wrong-shape: JSON naming the request with a `seatbid` that is not an array;
 * - unknown-id: a no-bid for a request id the exchange never sent;
 * - closed-id: an honest bid, and again the answer to the previous request (an auction already closed);
 * - duplicate: the same honest bid twice;
 * - unknown-impid: a bid for an impression the request does not have;
 * - price: a bid whose price is `priceText`, written verbatim into the JSON text (NaN, 1e999, -1, 0,
 *   "1.5", 1e308);
 * - wrong-currency: an honest bid in `currency`;
 * - too-large: a frame of `bytes` bytes naming the request;
 * - binary: a binary frame;
 * - flood: from connection on, `rate` frames per second that answer nothing; requests are not answered;
 * - no-read: stops reading its socket on connection, so what the exchange sends backs up;
 * - disconnect: drops the connection on receiving a request (mid-auction);
 * - reconnect-storm: drops every connection as soon as it is made;
 * - sigkill: after `after` requests, SIGKILLs the process it runs in (the bidder host).
 */
export const HOSTILE_MODES = [
  'not-json',
  'wrong-shape',
  'unknown-id',
  'closed-id',
  'duplicate',
  'unknown-impid',
  'price',
  'wrong-currency',
  'too-large',
  'binary',
  'flood',
  'no-read',
  'disconnect',
  'reconnect-storm',
  'sigkill',
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileSpec {
  mode: HostileMode;
  /** price: the token written as the price (a JSON number, NaN, Infinity, 1e999, or a quoted string). */
  priceText?: string;
  /** wrong-currency: the currency claimed. */
  currency?: string;
  /** too-large: the frame size in bytes. */
  bytes?: number;
  /** flood: frames per second. */
  rate?: number;
  /** sigkill: requests answered before the kill. */
  after?: number;
}

export const HOSTILE_DEFAULTS = {
  priceText: 'NaN',
  currency: 'XXX',
  bytes: 1024 * 1024,
  rate: 5000,
  after: 20,
} as const;

const HOSTILE_KEYS = ['mode', 'priceText', 'currency', 'bytes', 'rate', 'after'] as const;
/** A bare number, NaN, ±Infinity, or a JSON string without escapes: what may stand in a price slot. */
// eslint-disable-next-line no-control-regex -- a JSON string may not hold raw control characters
const PRICE_TOKEN = /^(?:-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?NaN|-?Infinity|"[^"\\\u0000-\u001f]{0,40}")$/;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_RATE = 100_000;

/** Issues with a hostile spec at `path`, each at its field's own path, with a did-you-mean for near misses. */
export function validateHostileSpec(value: unknown, path: string): Issue[] {
  const issues: Issue[] = [];
  if (!isRecord(value)) return [mustBe(path, 'SCN_ERR_WRONG_TYPE', 'an object such as { "mode": "flood" }', value)];
  checkKeys(value, HOSTILE_KEYS, path, issues);
  readEnum(value, 'mode', HOSTILE_MODES, undefined, path, issues);
  const priceToken = (v: unknown): v is string => typeof v === 'string' && PRICE_TOKEN.test(v);
  const currency = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z]{0,8}$/.test(v);
  const d = HOSTILE_DEFAULTS;
  readField(
    value,
    'priceText',
    priceToken,
    'a number token, NaN, Infinity or a short quoted string',
    'SCN_ERR_BAD_FORMAT',
    d.priceText,
    path,
    issues,
  );
  readField(value, 'currency', currency, 'up to 8 letters', 'SCN_ERR_BAD_FORMAT', d.currency, path, issues);
  readNumber(value, 'bytes', integerIn(1, MAX_BYTES), d.bytes, path, issues);
  readNumber(value, 'rate', integerIn(1, MAX_RATE), d.rate, path, issues);
  readNumber(value, 'after', integerIn(0, Number.MAX_SAFE_INTEGER), d.after, path, issues);
  return issues;
}

/** An honest bid text on the request's first impression, at its floor or 1, whichever is higher. */
function honest(req: BidRequest, currency = 'USD'): string {
  const imp = req.imp[0]!;
  const price = Math.max(1, imp.bidfloor);
  return `{"id":${JSON.stringify(req.id)},"seatbid":[{"seat":"hostile","bid":[{"id":"h1","impid":${JSON.stringify(imp.id)},"price":${price}}]}],"cur":${JSON.stringify(currency)}}`;
}

function socketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/** How often the flood timer fires; each tick sends rate / TICKS_PER_SEC frames. */
const FLOOD_TICK_MS = 10;

/** One hostile leaf. The host calls `attach` for each connection and `onRequest` for each request. */
export class HostileLeaf {
  readonly spec: Required<HostileSpec>;
  requests = 0;
  /** Frames sent, floods included: tests wait for the exchange to have read them all. */
  framesSent = 0;
  connections = 0;
  private previous: BidRequest | null = null;

  constructor(spec: HostileSpec) {
    this.spec = { ...HOSTILE_DEFAULTS, ...spec };
  }

  attach(ws: WebSocket): void {
    this.connections++;
    const mode = this.spec.mode;
    if (mode === 'reconnect-storm') {
      ws.terminate();
    } else if (mode === 'no-read') {
      socketOf(ws).pause();
    } else if (mode === 'flood') {
      const perTick = Math.max(1, Math.round((this.spec.rate * FLOOD_TICK_MS) / 1000));
      let n = 0;
      const timer = setInterval(() => {
        for (let i = 0; i < perTick && ws.readyState === ws.OPEN; i++) {
          n++;
          this.send(ws, n % 2 === 0 ? `{"id":"flood-${n}","nbr":0}` : `flood ${n} <<<`);
        }
      }, FLOOD_TICK_MS);
      ws.once('close', () => clearInterval(timer));
    }
  }

  onRequest(ws: WebSocket, req: BidRequest): void {
    this.requests++;
    const s = this.spec;
    const id = JSON.stringify(req.id);
    switch (s.mode) {
      case 'not-json':
        return this.send(ws, 'this is not JSON <<<');
      case 'wrong-shape':
        return this.send(ws, `{"id":${id},"seatbid":{"bid":"everything"}}`);
      case 'unknown-id':
        return this.send(ws, `{"id":${JSON.stringify(`no-such-${req.id}`)},"nbr":0}`);
      case 'closed-id':
        this.send(ws, honest(req));
        if (this.previous !== null) this.send(ws, honest(this.previous));
        this.previous = req;
        return;
      case 'duplicate':
        this.send(ws, honest(req));
        return this.send(ws, honest(req));
      case 'unknown-impid':
        return this.send(
          ws,
          `{"id":${id},"seatbid":[{"bid":[{"id":"h1","impid":"no-such-imp","price":1}]}],"cur":"USD"}`,
        );
      case 'price':
        return this.send(
          ws,
          `{"id":${id},"seatbid":[{"bid":[{"id":"h1","impid":${JSON.stringify(req.imp[0]!.id)},"price":${s.priceText}}]}],"cur":"USD"}`,
        );
      case 'wrong-currency':
        return this.send(ws, honest(req, s.currency));
      case 'too-large': {
        const head = `{"id":${id},"nbr":0,"pad":"`;
        return this.send(ws, `${head}${'x'.repeat(Math.max(0, s.bytes - head.length - 2))}"}`);
      }
      case 'binary':
        this.framesSent++;
        return ws.send(Buffer.from(honest(req)), { binary: true });
      case 'disconnect':
      case 'reconnect-storm':
        ws.terminate();
        return;
      case 'sigkill':
        if (this.requests > s.after) process.kill(process.pid, 'SIGKILL');
        else this.send(ws, honest(req));
        return;
      case 'flood':
      case 'no-read':
        return;
    }
  }

  private send(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    this.framesSent++;
    ws.send(text);
  }
}
