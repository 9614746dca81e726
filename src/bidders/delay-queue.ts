// The bidder host's delayed answers: one min-heap by due time and one timer for its head, instead of
// a setTimeout per answer. Node timers have millisecond granularity (a 10 ms setTimeout fires 10 to
// 11+ ms later, and 0 ms means "next timers phase", about 1 ms), which would add the host's timer
// error to every leaf's latency. So, like the exchange's live clock, the queue sleeps with setTimeout
// until about `spinMs` before the head is due, then finishes with setImmediate turns (which still let
// I/O in) until performance.now() has passed it. Entries due now run at once, without a timer.
// Never early: a timer that wakes before the head is due is re-armed.

import { performance } from 'node:perf_hooks';
import { MinHeap } from '../lib/min-heap.js';

/**
 * How close to the head's due time the queue switches from setTimeout to setImmediate turns. 0 never
 * spins: an entry then runs on the first timer wake at or after its due time (up to ~1 ms late).
 */
export const DEFAULT_SPIN_MS = 1;

/**
 * The longest single sleep: Node turns a setTimeout past 2^31 - 1 ms into 1 ms with a warning, which
 * for a head due in a month (a heavy-tailed latency sample) would warn and re-arm every millisecond.
 * Sleeping at most a day and re-arming (never early, as below) costs one wake a day instead.
 */
const MAX_SLEEP_MS = 86_400_000;

export type DelayedFn<A, B> = (a: A, b: B, lateMs: number) => void;

interface Entry<A, B> {
  atMs: number;
  /** Insertion order: ties run first in, first out. */
  fn: DelayedFn<A, B>;
  a: A;
  b: B;
}

export class DelayQueue<A, B> {
  private readonly heap = new MinHeap<Entry<A, B>>();
  private timeout: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** Due time the armed timer is for (Infinity when none). */
  private armedFor = Infinity;
  private closed = false;

  constructor(private readonly spinMs = DEFAULT_SPIN_MS) {}

  get size(): number {
    return this.heap.size;
  }

  /** Call `fn(a, b, lateMs)` `delayMs` from now; at once (synchronously) when `delayMs` <= 0. */
  after(delayMs: number, fn: DelayedFn<A, B>, a: A, b: B): void {
    if (this.closed) return;
    if (!(delayMs > 0)) {
      fn(a, b, 0);
      return;
    }
    const e: Entry<A, B> = { atMs: performance.now() + delayMs, fn, a, b };
    this.heap.push(e, e.atMs);
    if (e.atMs < this.armedFor) this.arm();
  }

  /** Drop every pending call and stop the timer; later calls to after() are ignored. */
  close(): void {
    this.closed = true;
    this.heap.clear();
    this.cancel();
  }

  private cancel(): void {
    if (this.timeout !== null) clearTimeout(this.timeout);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timeout = null;
    this.immediate = null;
    this.armedFor = Infinity;
  }

  private arm(): void {
    this.cancel();
    const head = this.heap.peek();
    if (head === undefined) return;
    this.armedFor = head.atMs;
    const wait = head.atMs - performance.now();
    if (wait > this.spinMs) this.timeout = setTimeout(this.onWake, Math.min(wait - this.spinMs, MAX_SLEEP_MS));
    else this.immediate = setImmediate(this.onWake);
  }

  private readonly onWake = (): void => {
    this.timeout = null;
    this.immediate = null;
    this.armedFor = Infinity;
    const now = performance.now();
    let head = this.heap.peek();
    while (head !== undefined && head.atMs <= now) {
      this.heap.pop();
      head.fn(head.a, head.b, now - head.atMs);
      if (this.closed) return;
      head = this.heap.peek();
    }
    this.arm();
  };
}
