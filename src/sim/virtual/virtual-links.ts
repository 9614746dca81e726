// The Link seam in virtual time: one link per leaf, no sockets and no text. Sending a request asks
// the leaf's pure decision at once (the same createLeaf the bidder host runs) and schedules what the
// exchange would see: the answer at now + network + the leaf's delay + network (built from the
// leaf's draw when it is delivered), the malformed frame the host would send, or the connection
// dropping, then coming back after the pool's backoff. A leaf with a server (a capacity, or one
// that reads tmax) takes each request when it arrives, a network leg after it was sent, in arrival
// order, through the same LeafServer the bidder host uses; its answer leaves after the wait and the
// service time, or at once as a no-bid when refused.
// Notices are counted, not delivered: nothing in a leaf's decision depends on them.
// An HTTP link (`http` given) costs its `requestCostMs` on top of the network per request, and a
// disconnect there fails that one request (econnreset) instead of dropping the leaf's connection.

import type { LeafServer } from '../../bidders/capacity.js';
import type { Rng } from '../../bidders/config.js';
import { malformed, refusal, type Draw, type Leaf } from '../../bidders/decision.js';
import type { LeafHostStats } from '../../bidders/host.js';
import type { Link, LinkHandler } from '../../exchange/link.js';
import { backoffMs, POOL_DEFAULTS } from '../../exchange/ws-pool.js';
import { encodeHistogram, newHistogram } from '../../lib/histogram.js';
import type { BidRequest, BidResponse, Notice } from '../../protocol/openrtb.js';
import { HistogramRecorder } from '../../lib/histogram-recorder.js';
import type { EventQueue, EventTarget, QueueEvent } from './event-queue.js';

const DELIVER = 0;
const MALFORMED = 1;
const DROP = 2;
const REDIAL = 3;
/** A request reaches a leaf with a server (arg: an Arrival). */
const ARRIVE = 4;
/** A built answer, a refusal's no-bid, comes back (arg: the BidResponse). */
const ANSWER = 5;

/** What travels to a leaf with a server: the draw, and the tmax its request was given. */
class Arrival {
  constructor(
    readonly d: Draw,
    readonly tmax: number,
  ) {}
}

const RESET = 6;

/** What makes a virtual link an HTTP one. */
export interface VirtualHttp {
  requestCostMs: number;
}

/** One-way network delay in ms, drawn from the link's own stream. */
export type NetworkDelay = () => number;

export class VirtualLink implements Link, EventTarget {
  readonly wantsText = false;
  private up = true;
  /** Bumped on every drop: events sent over an earlier connection die with it. */
  private epoch = 0;
  private attempt = 0;
  /** When the current connection came up (the first at time 0). */
  private upSince = 0;
  requests = 0;
  wins = 0;
  losses = 0;
  /** Connections made after the first. */
  reconnects = 0;
  /** The delays the leaf applied, as the bidder host keeps them. */
  private delays = new HistogramRecorder();
  /**
   * HTTP only: the ids of requests whose answer (or reset) is on its way. The close aborts what is
   * still out (abandon), as the live HTTP link does, so an answer after it is never seen: neither
   * late nor given expired-loss notices. WebSocket links keep none (null).
   */
  private readonly outstanding: Set<string> | null;

  constructor(
    private readonly index: number,
    private readonly leaf: Leaf,
    private readonly network: NetworkDelay,
    private readonly backoffRng: Rng,
    private readonly queue: EventQueue,
    private readonly handler: LinkHandler,
    /** The leaf's capacity and tmax rule (capacity.ts); null: every request is served at once. */
    private readonly server: LeafServer | null = null,
    /** Set on an HTTP link (see above); null: a WebSocket one. */
    private readonly http: VirtualHttp | null = null,
  ) {
    this.outstanding = http === null ? null : new Set();
  }

  get name(): string {
    return this.leaf.name;
  }

  sendRequest(_text: Buffer, request: BidRequest): boolean {
    if (!this.up) return false;
    this.requests++;
    // Only the draw travels: the response is built when it is delivered (see Draw).
    const d = this.leaf.draw(request);
    const q = this.queue;
    const http = this.http;
    const cost = http === null ? 0 : http.requestCostMs;
    // A silent leaf never answers, unless its server refuses it first (arrive).
    if (http !== null && (d.kind !== 'silent' || this.server !== null)) this.outstanding!.add(d.id);
    if (this.server !== null) {
      // The answer's leg is drawn when the request arrives (still two draws per request).
      q.schedule(q.now + this.network() + cost, this, this.epoch, ARRIVE, new Arrival(d, request.tmax));
      return true;
    }
    // Both legs are drawn for every request, whatever the decision, so the network stream stays
    // aligned with the request count (as the leaf's own stream does).
    const rtt = this.network() + this.network() + cost;
    switch (d.kind) {
      case 'bid':
      case 'no-bid':
        this.delays.recordMs(d.delayMs);
        q.schedule(q.now + rtt + d.delayMs, this, this.epoch, DELIVER, d);
        break;
      case 'malformed':
        this.delays.recordMs(d.delayMs);
        q.schedule(q.now + rtt + d.delayMs, this, this.epoch, MALFORMED, d);
        break;
      case 'disconnect':
        if (http !== null) q.schedule(q.now + rtt + d.delayMs, this, this.epoch, RESET, d);
        else q.schedule(q.now + rtt + d.delayMs, this, this.epoch, DROP, null);
        break;
      case 'silent':
        break;
    }
    return true;
  }

  abandon(id: string): void {
    this.outstanding?.delete(id);
  }

  /** Whether the answer to `id` is still awaited: always over WebSocket; over HTTP unless abandoned. */
  private awaited(id: string): boolean {
    return this.outstanding === null || this.outstanding.delete(id);
  }

  sendNotice(notice: Notice): void {
    if (!this.up) return;
    if (notice.notice === 'win') this.wins++;
    else this.losses++;
  }

  /** A request reaches a leaf with a server, now: it waits its turn, or is refused at once. */
  private arrive(server: LeafServer, arrival: Arrival): void {
    const q = this.queue;
    const d = arrival.d;
    const back = this.network();
    const wait = server.admit(q.now, d.delayMs, arrival.tmax);
    if (wait < 0) {
      this.delays.recordMs(0);
      q.schedule(q.now + back, this, this.epoch, ANSWER, refusal(d.id, wait));
      return;
    }
    const at = q.now + wait + d.delayMs + back;
    switch (d.kind) {
      case 'bid':
      case 'no-bid':
        this.delays.recordMs(wait + d.delayMs);
        q.schedule(at, this, this.epoch, DELIVER, d);
        break;
      case 'malformed':
        this.delays.recordMs(wait + d.delayMs);
        q.schedule(at, this, this.epoch, MALFORMED, d);
        break;
      case 'disconnect':
        if (this.http !== null) q.schedule(at, this, this.epoch, RESET, d);
        else q.schedule(at, this, this.epoch, DROP, null);
        break;
      case 'silent':
        this.outstanding?.delete(d.id);
        break;
    }
  }

  fire(e: QueueEvent): void {
    if (e.gen !== this.epoch) return;
    switch (e.kind) {
      case ARRIVE:
        this.arrive(this.server!, e.arg as Arrival);
        return;
      case ANSWER:
        if (this.awaited((e.arg as BidResponse).id)) this.handler.onValue(this.index, e.arg as BidResponse);
        return;
      case DELIVER:
        if (this.awaited((e.arg as Draw).id)) this.handler.onValue(this.index, this.leaf.answer(e.arg as Draw));
        return;
      case MALFORMED:
        if (this.awaited((e.arg as Draw).id)) this.handler.onText(this.index, malformed((e.arg as Draw).id));
        return;
      case DROP: {
        this.up = false;
        this.epoch++;
        this.handler.onDown(this.index);
        // As the pool does: redial after a jittered backoff, which starts over only when the
        // connection had stayed up `stableMs` (a leaf that drops at once backs off further each
        // time); the handshake costs a round trip.
        if (this.queue.now - this.upSince >= POOL_DEFAULTS.stableMs) this.attempt = 0;
        const wait = backoffMs(this.attempt++, POOL_DEFAULTS, this.backoffRng) + this.network() + this.network();
        this.queue.schedule(this.queue.now + wait, this, this.epoch, REDIAL, null);
        return;
      }
      case RESET:
        if (this.awaited((e.arg as Draw).id))
          this.handler.onFailure(this.index, (e.arg as Draw).id, 'econnreset', true);
        return;
      case REDIAL:
        this.up = true;
        this.upSince = this.queue.now;
        this.reconnects++;
        this.handler.onUp(this.index);
        return;
    }
  }

  /** The warm-up is over: the host's statistics start afresh, as BidderHost.mark() does live. */
  mark(): void {
    this.requests = 0;
    this.wins = 0;
    this.losses = 0;
    this.delays = new HistogramRecorder();
    this.server?.resetCounts();
  }

  stats(): LeafHostStats {
    const delays = newHistogram();
    this.delays.pourInto(delays);
    return {
      name: this.leaf.name,
      requests: this.requests,
      wins: this.wins,
      losses: this.losses,
      badRequests: 0,
      delays: encodeHistogram(delays),
      ...(this.server !== null && { queued: this.server.queued, busy: this.server.busy, tooLate: this.server.tooLate }),
    };
  }
}
