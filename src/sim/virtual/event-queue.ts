// The discrete-event queue of virtual time: a min-heap keyed by time, first in first out among equal
// times, so events due at the same time run in the order they were scheduled and a run is the same
// every time. Entries are plain records dispatched by their target,
// so scheduling makes one small object and no closure.

import { MinHeap } from '../../protocol/min-heap.js';

/** Something an event calls when it comes due. */
export interface EventTarget {
  fire(e: QueueEvent): void;
}

/** One scheduled event. `gen`, `kind` and `arg` are the target's to interpret. */
export interface QueueEvent {
  t: number;
  target: EventTarget;
  gen: number;
  kind: number;
  arg: unknown;
}

export class EventQueue {
  private readonly heap = new MinHeap<QueueEvent>();
  /** Events already run, reused so a long run allocates no event objects once warm. */
  private readonly free: QueueEvent[] = [];
  /** The time of the event being run (or last run): virtual "now". Only moves forward. */
  now = 0;

  get size(): number {
    return this.heap.size;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.heap.peekKey();
  }

  /** Schedule at `t` (never before now: a time in the past runs next, as a late real timer would). */
  schedule(t: number, target: EventTarget, gen: number, kind: number, arg: unknown): void {
    const at = t < this.now ? this.now : t;
    let e = this.free.pop();
    if (e === undefined) {
      e = { t: at, target, gen, kind, arg };
    } else {
      e.t = at;
      e.target = target;
      e.gen = gen;
      e.kind = kind;
      e.arg = arg;
    }
    this.heap.push(e, at);
  }

  /** Remove the earliest event, or undefined when empty. */
  pop(): QueueEvent | undefined {
    return this.heap.pop();
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
    this.heap.clear();
    this.free.length = 0;
  }
}
