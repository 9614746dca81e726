// A leaf's finite capacity, and whether it reads tmax: the one pure piece the bidder host (live) and
// the virtual links both serve requests through. Time is given, never read, so the same arrivals
// and service times give the same waits and refusals in both.
//
// The leaf is c servers in front of one first-come-first-served queue of at most q waiting
// requests. Service times are drawn when a request arrives (the leaf's latency model), so on arrival
// the start of its service is already known: the Kiefer-Wolfowitz recursion for FIFO G/G/c,
//   start = max(arrival, the earliest time one of the c servers is free),
// and that server is then busy until start + service. Requests admitted earlier whose start lies
// after `now` are the ones waiting; a request that would wait while q are already waiting is
// refused at once, and so is one that would not finish within its tmax when the leaf reads tmax.

import type { LeafConfig } from './config.js';

/** `"capacity": { "concurrency": c, "queue": q }` on a bidder group. */
export interface CapacitySpec {
  /** Requests served at once (at least 1). */
  concurrency: number;
  /** Requests that may wait for a server, first come first served (0: none wait, all are refused). */
  queue: number;
}

/** admit(): every server was busy and the queue full, so the leaf answers at once with a no-bid. */
export const BUSY = -1;
/** admit(): the leaf reads tmax and would not finish within it, so it answers at once with a no-bid. */
export const TOO_LATE = -2;

/** The queue's ring of start times begins this small and doubles up to the queue's size. */
const INITIAL_RING = 16;

export class LeafServer {
  /** The time each server is next free, as a binary min-heap (null: unlimited concurrency). */
  private readonly free: Float64Array | null;
  private readonly queueMax: number;
  /** Start times of admitted requests, in admission order (they never decrease): a ring. */
  private starts: Float64Array;
  private head = 0;
  private length = 0;
  /** Admitted requests that had to wait (wait > 0). */
  queued = 0;
  /** Requests refused because every server was busy and the queue full (BUSY). */
  busy = 0;
  /** Requests refused because they would not finish within their tmax (TOO_LATE). */
  tooLate = 0;

  constructor(
    capacity: CapacitySpec | null,
    /** Refuse a request whose wait plus service passes its tmax. */
    private readonly respectTmax: boolean,
  ) {
    this.free = capacity === null ? null : new Float64Array(capacity.concurrency).fill(-Infinity);
    this.queueMax = capacity === null ? 0 : capacity.queue;
    this.starts = new Float64Array(Math.min(INITIAL_RING, Math.max(1, this.queueMax)));
  }

  /** Requests waiting for a server at `nowMs` (admitted, not yet started). */
  waiting(nowMs: number): number {
    while (this.length > 0 && this.starts[this.head]! <= nowMs) {
      this.head = (this.head + 1) % this.starts.length;
      this.length--;
    }
    return this.length;
  }

  /**
   * A request arriving at `nowMs` that takes `serviceMs` to serve and was given `tmaxMs`: its wait
   * for a server in ms (0 or more; its answer is due after wait + service), or BUSY or TOO_LATE, in
   * which case it takes no server and the leaf answers at once. Calls come in arrival order.
   */
  admit(nowMs: number, serviceMs: number, tmaxMs: number): number {
    const free = this.free;
    if (free === null) {
      if (this.respectTmax && serviceMs > tmaxMs) {
        this.tooLate++;
        return TOO_LATE;
      }
      return 0;
    }
    const soonest = free[0]!;
    const start = soonest > nowMs ? soonest : nowMs;
    const wait = start - nowMs;
    if (wait > 0 && this.waiting(nowMs) >= this.queueMax) {
      this.busy++;
      return BUSY;
    }
    if (this.respectTmax && wait + serviceMs > tmaxMs) {
      this.tooLate++;
      return TOO_LATE;
    }
    replaceMin(free, start + serviceMs);
    if (wait > 0) {
      this.queued++;
      this.push(start);
    }
    return wait;
  }

  /** Forget the counts (the servers and the queue go on as they are). */
  resetCounts(): void {
    this.queued = 0;
    this.busy = 0;
    this.tooLate = 0;
  }

  private push(start: number): void {
    // waiting() ran in admit() just before, so the ring holds fewer than queueMax starts.
    if (this.length === this.starts.length) {
      const grown = new Float64Array(Math.min(this.queueMax, this.starts.length * 2));
      for (let i = 0; i < this.length; i++) grown[i] = this.starts[(this.head + i) % this.starts.length]!;
      this.starts = grown;
      this.head = 0;
    }
    this.starts[(this.head + this.length) % this.starts.length] = start;
    this.length++;
  }
}

/** Replace the heap's least value with `value` and restore the heap (sift down). */
function replaceMin(heap: Float64Array, value: number): void {
  const n = heap.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && heap[r]! < heap[l]! ? r : l;
    if (heap[c]! >= value) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = value;
}

/** The server a leaf's requests go through, or null when it has unlimited capacity and ignores tmax. */
export function leafServer(config: Pick<LeafConfig, 'capacity' | 'bid'>): LeafServer | null {
  const capacity = config.capacity ?? null;
  const respectTmax = config.bid.respectTmax === true;
  if (capacity === null && !respectTmax) return null;
  return new LeafServer(capacity, respectTmax);
}
