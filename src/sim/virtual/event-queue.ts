// The discrete-event queue of virtual time: a binary min-heap keyed by (time, seq). `seq` is a
// global insertion counter, so events due at the same time run in the order they were scheduled
// (FIFO) and a run is the same every time. Entries are plain records dispatched by their target,
// so scheduling makes one small object and no closure.

import { MinHeap } from '../../protocol/min-heap.js';

/** Something an event calls when it comes due. */
export interface EventTarget {
  fire(e: QueueEvent): void;
}

/** One scheduled event. `gen`, `kind` and `arg` are the target's to interpret. */
export interface QueueEvent {
  t: number;
  seq: number;
  target: EventTarget;
  gen: number;
  kind: number;
  arg: unknown;
}

function before(a: QueueEvent, b: QueueEvent): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

export class EventQueue {
  private readonly heap = new MinHeap<QueueEvent>(before);
  /** Events already run, reused so a long run allocates no event objects once warm. */
  private readonly free: QueueEvent[] = [];
  private seq = 0;
  /** The time of the event being run (or last run): virtual "now". Only moves forward. */
  now = 0;

  get size(): number {
    return this.heap.size;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    const top = this.heap.peek();
    return top === undefined ? Infinity : top.t;
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
    this.heap.push(e);
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
