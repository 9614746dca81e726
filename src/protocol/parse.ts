// Parsing and validation of every message on the wire. Nothing here throws: a bad message is a counted
// outcome with a stable reason, never an exception on the exchange's hot path, and never something
// that can touch another auction.

import type { BidRequest, Notice, SeatBid } from './openrtb.js';

/**
 * Every reason a bidder's message can be refused, as a stable code for counters and tests.
 * `checkBidResponse` (and `parseJson`, for 'not-json') produce the first twelve and 'wrong-id'; the
 * rest are decided by the exchange before a message reaches the checker:
 * - 'empty-response': a zero-length text frame;
 * - 'binary-frame': a binary frame (the wire is text frames only);
 * - 'too-large': a frame over the exchange's size limit;
 * - 'unknown-request': an `id` that names no auction this bidder was asked (closed ones are late, not this);
 * - 'duplicate-response': a second answer to the same request;
 * - 'slow-reader': not a message but the lack of reading: the leaf's send buffer passed the bound and
 *   the exchange dropped it (its requests in flight are then LOST);
 * - 'flood': the leaf sent far more frames than it was sent requests (ws-pool.ts) and the exchange
 *   dropped it (its requests in flight are then LOST).
 * Over HTTP (http-link.ts) one request can fail alone:
 * - 'http-<status>': answered with that status, neither 200 nor 204 (INVALID); 'http-status' for any
 *   status not listed;
 * - 'bad-encoding': a body in a Content-Encoding the exchange did not offer, or gzip that does not
 *   decompress (INVALID);
 * - 'econnreset', 'econnrefused', 'connect-timeout', 'socket-error': no answer came, for that
 *   reason (LOST; the other requests in flight go on).
 */
export const INVALID_REASONS = [
  'not-json',
  'not-object',
  'missing-id',
  'bad-seatbid',
  'bad-bid',
  'missing-bid-id',
  'unknown-impid',
  'bad-price',
  'price-too-high',
  'bad-currency',
  'duplicate-bid-id',
  'bad-nbr',
  'empty-response',
  'binary-frame',
  'too-large',
  'unknown-request',
  'duplicate-response',
  'wrong-id',
  'slow-reader',
  'flood',
  'http-400',
  'http-401',
  'http-403',
  'http-404',
  'http-408',
  'http-413',
  'http-429',
  'http-500',
  'http-502',
  'http-503',
  'http-504',
  'http-status',
  'bad-encoding',
  'econnreset',
  'econnrefused',
  'connect-timeout',
  'socket-error',
] as const;
// Derived from the list so the list cannot miss a member.
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** What `parseJson` returns for text that is not JSON; a symbol, so no JSON value can be mistaken for it. */
export const NOT_JSON: unique symbol = Symbol('not-json');

export function parseJson(text: string): unknown | typeof NOT_JSON {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Syntax errors, and RangeError on absurd nesting: both are just "not JSON" to the caller.
    return NOT_JSON;
  }
}

const LEADING_ID = /^\s*\{\s*"id"\s*:\s*"((?:[^"\\]|\\.){1,200})"/;

/**
 * The request id at the head of a frame that is not valid JSON (`{"id":"abc", ...broken`), if it
 * has one. Over HTTP a broken body still answers its own request; over a WebSocket only the id can
 * say which request a broken frame answered. Only the failure path calls this.
 */
export function salvageId(text: string): string | undefined {
  const m = LEADING_ID.exec(text);
  if (m === null) return undefined;
  const id = parseJson(`"${m[1]}"`);
  return typeof id === 'string' ? id : undefined;
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isStringArray(value: unknown): boolean {
  if (!isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

/** The `id` string of an object, else undefined. Cheap: the exchange calls it first to find the auction. */
export function responseId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const id = value.id;
  return typeof id === 'string' ? id : undefined;
}

// Up to this many bids, duplicate ids are found by a nested scan, which allocates nothing and beats a
// Set at the sizes bidders actually send (one to a few bids).
const DUPLICATE_SCAN_LIMIT = 8;

/**
 * null when `value` is a valid BidResponse answering `req` (then the caller may treat it as
 * BidResponse); else the reason. A non-string `id` counts as missing. `nbr`, when present, must be an
 * integer >= 0 whether or not the response bids. `cur` (default "USD") is checked only when there are
 * bids, since a no-bid carries no price; an empty `req.cur` means USD only. `bidid` and unknown
 * fields are not inspected (nothing reads them).
 */
export function checkBidResponse(value: unknown, req: BidRequest, maxPrice: number): InvalidReason | null {
  if (!isRecord(value)) return 'not-object';
  const id = value.id;
  if (typeof id !== 'string') return 'missing-id';
  if (id !== req.id) return 'wrong-id';
  const nbr = value.nbr;
  if (nbr !== undefined && !(typeof nbr === 'number' && Number.isInteger(nbr) && nbr >= 0)) return 'bad-nbr';

  const seatbid = value.seatbid;
  if (seatbid === undefined) return null;
  if (!isArray(seatbid)) return 'bad-seatbid';
  if (seatbid.length === 0) return null;

  const cur = value.cur;
  if (cur !== undefined && typeof cur !== 'string') return 'bad-currency';
  if (!acceptsCurrency(req.cur, cur ?? 'USD')) return 'bad-currency';

  let count = 0;
  for (let s = 0; s < seatbid.length; s++) {
    const seat = seatbid[s];
    if (!isRecord(seat)) return 'bad-seatbid';
    const bids = seat.bid;
    if (!isArray(bids) || bids.length === 0 || !isOptionalString(seat.seat)) return 'bad-seatbid';
    for (let b = 0; b < bids.length; b++) {
      const reason = checkBid(bids[b], req, maxPrice);
      if (reason !== null) return reason;
    }
    count += bids.length;
  }
  // Every bid is now known to be well formed, so the shapes can be trusted.
  if (count > 1 && hasDuplicateBidId(seatbid as readonly SeatBid[], count)) return 'duplicate-bid-id';
  return null;
}

function acceptsCurrency(accepted: readonly string[], cur: string): boolean {
  if (accepted.length === 0) return cur === 'USD';
  for (let i = 0; i < accepted.length; i++) if (accepted[i] === cur) return true;
  return false;
}

function checkBid(value: unknown, req: BidRequest, maxPrice: number): InvalidReason | null {
  if (!isRecord(value)) return 'bad-bid';
  const id = value.id;
  if (typeof id !== 'string' || id.length === 0) return 'missing-bid-id';
  const impid = value.impid;
  if (typeof impid !== 'string' || !hasImp(req, impid)) return 'unknown-impid';
  const price = value.price;
  // `!(price > 0)` also refuses NaN, which other links may carry in objects although JSON cannot.
  if (typeof price !== 'number' || !(price > 0) || price === Infinity) return 'bad-price';
  if (price > maxPrice) return 'price-too-high';
  if (
    !isOptionalString(value.adm) ||
    !isOptionalString(value.nurl) ||
    !isOptionalString(value.lurl) ||
    !isOptionalString(value.burl) ||
    !isOptionalString(value.adid) ||
    !isOptionalString(value.crid) ||
    !isOptionalString(value.dealid) ||
    (value.adomain !== undefined && !isStringArray(value.adomain))
  ) {
    return 'bad-bid';
  }
  return null;
}

function hasImp(req: BidRequest, impid: string): boolean {
  const imps = req.imp;
  for (let i = 0; i < imps.length; i++) if (imps[i]?.id === impid) return true;
  return false;
}

function hasDuplicateBidId(seatbid: readonly SeatBid[], count: number): boolean {
  if (count > DUPLICATE_SCAN_LIMIT) {
    const seen = new Set<string>();
    for (const seat of seatbid) {
      for (const bid of seat.bid) {
        if (seen.has(bid.id)) return true;
        seen.add(bid.id);
      }
    }
    return false;
  }
  // Compare each bid with every bid before it, across seats.
  for (let s = 0; s < seatbid.length; s++) {
    const bids = (seatbid[s] as SeatBid).bid;
    for (let b = 0; b < bids.length; b++) {
      const id = (bids[b] as { id: string }).id;
      for (let s2 = 0; s2 <= s; s2++) {
        const earlier = (seatbid[s2] as SeatBid).bid;
        const end = s2 === s ? b : earlier.length;
        for (let b2 = 0; b2 < end; b2++) if ((earlier[b2] as { id: string }).id === id) return true;
      }
    }
  }
  return false;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function isFiniteNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The first of `keys` on `obj` that is there but not a string, as an error naming it; null if none is. */
function optionalStrings(obj: Rec, path: string, keys: readonly string[]): string | null {
  for (const key of keys)
    if (obj[key] !== undefined && typeof obj[key] !== 'string') return `${path}.${key}: must be a string`;
  return null;
}

/**
 * A BidRequest from the exchange, for bidder hosts. Errors name the field (`request.imp[0].bidfloor:
 * must be a finite number >= 0`). `site`, `app`, `device` and `user` are there to look real, and
 * OpenRTB only recommends their ids (a user without consent has no `user.id`, an IPv6 device no
 * `device.ip`): each must be an object, and the string fields the generated requests fill must be
 * strings where they are given.
 */
export function parseBidRequest(text: string): Parsed<BidRequest> {
  return bidRequestFrom(parseJson(text));
}

/** The same check on a value already decoded (by parseJson, or handed over by a virtual link). */
export function bidRequestFrom(value: unknown): Parsed<BidRequest> {
  if (value === NOT_JSON) return { ok: false, reason: 'request: not JSON' };
  const reason = checkBidRequest(value);
  return reason === null ? { ok: true, value: value as BidRequest } : { ok: false, reason };
}

function checkBidRequest(value: unknown): string | null {
  if (!isRecord(value)) return 'request: must be a JSON object';
  if (!isNonEmptyString(value.id)) return 'request.id: must be a non-empty string';
  const imps = value.imp;
  if (!isArray(imps) || imps.length === 0) return 'request.imp: must be a non-empty array';
  for (let i = 0; i < imps.length; i++) {
    const reason = checkImp(imps[i], `request.imp[${i}]`);
    if (reason !== null) return reason;
    const id = (imps[i] as Rec).id;
    for (let j = 0; j < i; j++) if ((imps[j] as Rec).id === id) return `request.imp[${i}].id: duplicates imp[${j}]`;
  }
  if (!isFiniteNonNegative(value.tmax)) return 'request.tmax: must be a finite number >= 0';
  if (value.at !== 1 && value.at !== 2) return 'request.at: must be 1 (first price) or 2 (second price)';
  if (!isStringArray(value.cur)) return 'request.cur: must be an array of strings';
  return (
    checkOptionalObject(value.site, 'request.site', ['id', 'domain', 'page']) ??
    checkOptionalObject(value.app, 'request.app', ['id', 'bundle']) ??
    checkOptionalObject(value.device, 'request.device', ['ua', 'ip']) ??
    checkOptionalObject(value.user, 'request.user', ['id'])
  );
}

function checkImp(imp: unknown, path: string): string | null {
  if (!isRecord(imp)) return `${path}: must be an object`;
  if (!isNonEmptyString(imp.id)) return `${path}.id: must be a non-empty string`;
  if (!isFiniteNonNegative(imp.bidfloor)) return `${path}.bidfloor: must be a finite number >= 0`;
  if (typeof imp.bidfloorcur !== 'string') return `${path}.bidfloorcur: must be a string`;
  const banner = imp.banner;
  if (banner !== undefined) {
    if (!isRecord(banner)) return `${path}.banner: must be an object`;
    if (!isFiniteNonNegative(banner.w)) return `${path}.banner.w: must be a finite number >= 0`;
    if (!isFiniteNonNegative(banner.h)) return `${path}.banner.h: must be a finite number >= 0`;
  }
  if (!isOptionalString(imp.tagid)) return `${path}.tagid: must be a string`;
  if (imp.secure !== undefined && imp.secure !== 0 && imp.secure !== 1) return `${path}.secure: must be 0 or 1`;
  return null;
}

function checkOptionalObject(value: unknown, path: string, strings: readonly string[]): string | null {
  if (value === undefined) return null;
  if (!isRecord(value)) return `${path}: must be an object`;
  return optionalStrings(value, path, strings);
}

/** The reason for an HTTP status that is neither 200 nor 204. */
export function httpStatusReason(status: number): InvalidReason {
  switch (status) {
    case 400:
    case 401:
    case 403:
    case 404:
    case 408:
    case 413:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return `http-${status}`;
  }
  return 'http-status';
}

/** Notices carry a `notice` field; requests don't. Lets a bidder host route a message before parsing it fully. */
export function isNotice(value: unknown): boolean {
  return isRecord(value) && value.notice !== undefined;
}

/**
 * A win or loss notice from the exchange, for bidder hosts. A win carries loss reason 0 and a loss a
 * non-zero one; a notice that says otherwise contradicts itself and is refused.
 */
export function parseNotice(value: unknown): Parsed<Notice> {
  if (!isRecord(value)) return { ok: false, reason: 'notice: must be a JSON object' };
  const kind = value.notice;
  if (kind !== 'win' && kind !== 'loss') return { ok: false, reason: 'notice.notice: must be "win" or "loss"' };
  if (!isNonEmptyString(value.id)) return { ok: false, reason: 'notice.id: must be a non-empty string' };
  if (typeof value.impid !== 'string') return { ok: false, reason: 'notice.impid: must be a string' };
  if (typeof value.bidid !== 'string') return { ok: false, reason: 'notice.bidid: must be a string' };
  if (!isFiniteNonNegative(value.price)) return { ok: false, reason: 'notice.price: must be a finite number >= 0' };
  const loss = value.loss;
  if (!(isFiniteNonNegative(loss) && Number.isInteger(loss))) {
    return { ok: false, reason: 'notice.loss: must be an integer >= 0' };
  }
  if ((kind === 'win') !== (loss === 0)) {
    return { ok: false, reason: 'notice.loss: must be 0 on a win and non-zero on a loss' };
  }
  return { ok: true, value: value as unknown as Notice };
}
