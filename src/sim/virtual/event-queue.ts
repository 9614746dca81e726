// The discrete-event queue of virtual time: events run in time order, first in first out among equal
// times, so a run is the same every time. Entries are plain records dispatched by their target, so
// scheduling makes no closure, and they are reused once run.
//
// A calendar queue rather than a heap. Nearly every event is an answer due within tmax of now, so
// events are dropped unsorted into 1/8 ms buckets (a ring covering about a second ahead) and a
// bucket is sorted only when time reaches it: a few events, by insertion sort. Scheduling is then
// O(1) and running an event a few comparisons, where a binary heap of the 3,200 events a 16-leaf run
// keeps in flight made about 23 unpredictable comparisons per event (12% of a run's profile; 1.6x
// faster in a queue-only loop). Events beyond the ring (a redial after a long backoff, a late timer)
// wait in a heap and join their bucket when time reaches it.

import { MinHeap } from '../../lib/min-heap.js';

/** Something an event calls when it comes due. */
export interface EventTarget {
  fire(e: QueueEvent): void;
}

/** One scheduled event. `gen`, `kind` and `arg` are the target's to interpret. */
export interface QueueEvent {
  t: number;
  /** Scheduling order: breaks ties between equal times. */
  seq: number;
  target: EventTarget;
  gen: number;
  kind: number;
  arg: unknown;
}

/**
 * Buckets per millisecond: a power of two, so `t * PER_MS` is exact and bucket bounds never round.
 * Narrow enough that a bucket holds a handful of events at the densest loads the bench runs.
 */
const PER_MS = 8;
/** Buckets in the ring (a power of two): 1,024 ms ahead. */
const RING = 1024 * PER_MS;
const RING_MASK = RING - 1;
/** Buckets up to this size are sorted by insertion; larger ones by Array.prototype.sort. */
const INSERTION_SORT_MAX = 48;

function before(a: QueueEvent, b: QueueEvent): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

function byTime(a: QueueEvent, b: QueueEvent): number {
  return a.t - b.t || a.seq - b.seq;
}

export class EventQueue {
  /**
   * Unsorted events by bucket (floor(t * PER_MS)) mod RING, for buckets in (base, base + RING): the
   * first `ringLen[i]` entries of `ring[i]`. Counted apart from the arrays' own lengths, which only
   * clear() cuts (to let a finished run's events go): setting a length to 0 gives a V8 array back its
   * empty store, and every bucket grew a new one on its next push (37 bytes of garbage per event).
   */
  private readonly ring: QueueEvent[][] = Array.from({ length: RING }, () => []);
  private readonly ringLen = new Int32Array(RING);
  /** Events in the ring. */
  private inRing = 0;
  /** Events whose bucket was base + RING or later when scheduled. */
  private readonly far = new MinHeap<QueueEvent>();
  /** The bucket time has reached (and any events scheduled below it). */
  private base = 0;
  /** That bucket, sorted: its first `currentLen` entries, run from `pos` on. */
  private current: QueueEvent[] = [];
  private currentLen = 0;
  private pos = 0;
  private seq = 0;
  /** Events already run, reused so a long run allocates no event objects once warm. */
  private readonly free: QueueEvent[] = [];
  /** The time of the event being run (or last run): virtual "now". Only moves forward. */
  now = 0;

  get size(): number {
    return this.currentLen - this.pos + this.inRing + this.far.size;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    const e = this.head();
    return e === undefined ? Infinity : e.t;
  }

  /** Schedule at `t` (never before now: a time in the past runs next, as a late real timer would). */
  schedule(t: number, target: EventTarget, gen: number, kind: number, arg: unknown): void {
    const at = t < this.now ? this.now : t;
    let e = this.free.pop();
    if (e === undefined) {
      e = { t: at, seq: this.seq++, target, gen, kind, arg };
    } else {
      e.t = at;
      e.seq = this.seq++;
      e.target = target;
      e.gen = gen;
      e.kind = kind;
      e.arg = arg;
    }
    const ahead = Math.floor(at * PER_MS) - this.base;
    if (ahead <= 0) {
      // Due in the bucket being run (or before it, when a look ahead moved past empty buckets):
      // into its sorted run, after every event not later than it.
      const cur = this.current;
      let i = this.currentLen++;
      while (i > this.pos && before(e, cur[i - 1]!)) {
        cur[i] = cur[i - 1]!;
        i--;
      }
      cur[i] = e;
    } else if (ahead < RING) {
      const k = (this.base + ahead) & RING_MASK;
      this.ring[k]![this.ringLen[k]!++] = e;
      this.inRing++;
    } else {
      // NaN and Infinity fail both tests above and land here, where they are caught.
      if (!Number.isFinite(at)) throw new RangeError(`event scheduled at ${t} ms: not a finite time`);
      this.far.push(e, at);
    }
  }

  /** Remove the earliest event, or undefined when empty. */
  pop(): QueueEvent | undefined {
    const e = this.head();
    if (e !== undefined) this.pos++;
    return e;
  }

  /** Run the earliest event, advancing now to its time. False when there was none. */
  step(): boolean {
    const e = this.pop();
    if (e === undefined) return false;
    this.now = e.t;
    e.target.fire(e);
    // Targets read an event only while it fires, so it can be reused; drop the payload reference.
    e.arg = null;
    this.free.push(e);
    return true;
  }

  /** Drop every pending event (the end of a run). */
  clear(): void {
    for (const bucket of this.ring) bucket.length = 0;
    this.ringLen.fill(0);
    this.inRing = 0;
    this.far.clear();
    this.current.length = 0;
    this.currentLen = 0;
    this.pos = 0;
    this.free.length = 0;
  }

  /** The earliest event, left in place; moves to the next non-empty bucket when this one is run. */
  private head(): QueueEvent | undefined {
    if (this.pos < this.currentLen) return this.current[this.pos];
    if (this.inRing === 0 && this.far.size === 0) return undefined;
    // Entries past a count are stale (events run since, some reused): only ever overwritten.
    this.pos = 0;
    let bucket: QueueEvent[];
    let n = 0;
    if (this.inRing === 0) {
      // Nothing within the ring: jump straight to the far heap's earliest bucket.
      this.base = Math.floor(this.far.peekKey() * PER_MS);
      bucket = this.current;
    } else {
      let k: number;
      do {
        this.base++;
        k = this.base & RING_MASK;
      } while (this.ringLen[k] === 0 && this.far.peekKey() * PER_MS >= this.base + 1);
      n = this.ringLen[k]!;
      this.ringLen[k] = 0;
      this.inRing -= n;
      bucket = this.ring[k]!;
      // The run array takes the bucket's place in the ring: no array is made per bucket.
      this.ring[k] = this.current;
    }
    // Far events whose bucket time has come join it.
    const far = this.far;
    while (far.peekKey() * PER_MS < this.base + 1) bucket[n++] = far.pop()!;
    sort(bucket, n);
    this.current = bucket;
    this.currentLen = n;
    return bucket[0];
  }
}

/** Sort the first `n` events by time, then scheduling order. */
function sort(events: QueueEvent[], n: number): void {
  if (n > INSERTION_SORT_MAX) {
    const sorted = events.slice(0, n).sort(byTime);
    for (let i = 0; i < n; i++) events[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const e = events[i]!;
    let j = i;
    while (j > 0 && before(e, events[j - 1]!)) {
      events[j] = events[j - 1]!;
      j--;
    }
    events[j] = e;
  }
}
