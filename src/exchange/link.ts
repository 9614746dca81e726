// The link seam: how the exchange reaches one bidder leaf. Live links are `ws` sockets
// (ws-pool.ts) or HTTP/1.1 requests over keep-alive connections (http-link.ts); virtual links deliver
// through a discrete-event queue (src/sim).

import type { BidRequest, BidSource, Notice } from '../protocol/openrtb.js';
import type { InvalidReason } from '../protocol/parse.js';

/** Why a link dropped a leaf itself (an ordinary close has no reason). */
export type DropReason = Extract<InvalidReason, 'slow-reader' | 'flood'>;

export interface Link {
  /**
   * Whether the link sends `text`. A virtual link reads the request object instead, and when no
   * link wants text the exchange skips serialising the request (its largest per-auction cost there).
   */
  readonly wantsText: boolean;
  /**
   * Send a bid request. `text` is the request serialised and UTF-8 encoded once per auction and
   * shared by every link (a socket would otherwise encode a string again for itself); a link that
   * does not need text (virtual) gets an empty buffer and uses `request` instead. A link may hand
   * `text` to its socket without copying it, so it must not be changed once sent. Returns false when
   * the link is down, so the request is lost without being sent.
   */
  sendRequest(text: Buffer, request: BidRequest): boolean;
  /**
   * Send a win or loss notice; dropped silently when the link is down. `source` is the bid the notice
   * is about as the bidder sent it, for links that notify by the bid's own URLs (HTTP: `nurl`, `lurl`,
   * `burl` with the macros substituted); a WebSocket link sends `notice` and ignores it.
   */
  sendNotice(notice: Notice, source?: NoticeSource): void;
  /**
   * Whether `sendNotice` reads its `source` (HTTP links do). The exchange keeps a bid's source until
   * the close only for such links, so others hold no parsed response past its answer.
   */
  readonly wantsNoticeSource?: boolean;
  /**
   * The auction that sent request `id` closed without this leaf's answer. A link that holds each
   * request open (HTTP) aborts it there; one that does not (WebSocket, virtual) has nothing to do.
   */
  abandon?(id: string): void;
}

/** Where a bid came from: the bid, its seat and its response, as parsed (never copied). */
export type NoticeSource = BidSource;

/** What a link reports back to the exchange, by leaf index. */
export interface LinkHandler {
  /** A text frame, exactly as received. */
  onText(leaf: number, text: string): void;
  /** An already-decoded message (virtual links skip the text round trip). */
  onValue(leaf: number, value: unknown): void;
  /** A frame the exchange refuses to read: binary, or over the size limit. */
  onBadFrame(leaf: number, reason: 'binary-frame' | 'too-large'): void;
  onUp(leaf: number): void;
  /** The connection dropped (`reason` when the link dropped a misbehaving leaf): every request the leaf holds is lost. */
  onDown(leaf: number, reason?: DropReason): void;
  /**
   * Request `id` alone failed, with `reason`, where a link can tell one request from another (HTTP):
   * `lost` when no answer came (a reset, a refused connection: the others in flight go on), else the
   * leaf answered it badly (a status other than 200 and 204, a body that does not decode), INVALID.
   */
  onFailure(leaf: number, id: string, reason: InvalidReason, lost: boolean): void;
  /** The leaf answered request `id` with no bid and no body (HTTP 204, or 200 with an empty body). */
  onNoBid(leaf: number, id: string): void;
}

/**
 * A handler for a pool serving some of the leaves: its leaf `i` is the exchange's leaf `indices[i]`.
 * Used when leaves are split between transports; a pool serving every leaf talks to the exchange
 * directly.
 */
export function remapHandler(handler: LinkHandler, indices: readonly number[]): LinkHandler {
  const at = (i: number): number => indices[i]!;
  return {
    onText: (i, text) => handler.onText(at(i), text),
    onValue: (i, value) => handler.onValue(at(i), value),
    onBadFrame: (i, reason) => handler.onBadFrame(at(i), reason),
    onUp: (i) => handler.onUp(at(i)),
    onDown: (i, reason) => handler.onDown(at(i), reason),
    onFailure: (i, id, reason, lost) => handler.onFailure(at(i), id, reason, lost),
    onNoBid: (i, id) => handler.onNoBid(at(i), id),
  };
}
