// The live clock: performance.now() and Node timers. Node timers have millisecond granularity and
// may fire up to a millisecond early or late against performance.now(); a hard deadline should not
// inherit that. So a timer sleeps with setTimeout until about `spinMs` before the target, then
// finishes with setImmediate turns (which still let I/O in) until performance.now() has passed it.
//
// The spin is the costly part: under load some timer is nearly always within `spinMs` of its target,
// and every turn allocates (an Immediate, and the number performance.now() returns), which is garbage the
// young-generation collector must then stop the loop for. So the timers of one clock share a single
// spinner that reads the time once per turn for all of them, and a timer that is re-armed while it
// spins just moves its target instead of queueing another turn.

import { performance } from 'node:perf_hooks';
import type { Clock, Timer } from './clock.js';

/** How close to the target the timer switches from setTimeout to setImmediate turns. */
export const DEFAULT_SPIN_MS = 1;

/** One setImmediate turn at a time for every timer of a clock that is within its spin window. */
class Spinner {
  private readonly timers: LiveTimer[] = [];
  private immediate: NodeJS.Immediate | null = null;

  add(t: LiveTimer): void {
    t.spinning = true;
    if (!t.listed) {
      t.listed = true;
      this.timers.push(t);
    }
    if (this.immediate === null) this.immediate = setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.immediate = null;
    const now = performance.now();
    const list = this.timers;
    const n = list.length;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const t = list[i]!;
      if (t.spinning && t.atMs > now) {
        list[kept++] = t;
        continue;
      }
      // Due, or cleared / moved back to setTimeout since it joined (lazy removal). A due() may
      // re-arm the timer into the spin again: it is then pushed past `n`, and kept below.
      t.listed = false;
      if (t.spinning) {
        t.spinning = false;
        t.due();
      }
    }
    for (let i = n; i < list.length; i++) {
      const t = list[i]!;
      if (t.spinning) list[kept++] = t;
      else t.listed = false;
    }
    list.length = kept;
    if (kept > 0 && this.immediate === null) this.immediate = setImmediate(this.turn);
  };
}

class LiveTimer implements Timer {
  atMs = Infinity;
  /** Waiting in the spinner for its target (set by the timer and the spinner). */
  spinning = false;
  /** Present in the spinner's list, spinning or awaiting lazy removal. */
  listed = false;
  private timeout: NodeJS.Timeout | null = null;

  constructor(
    private readonly fire: () => void,
    private readonly spinMs: number,
    private readonly spinner: Spinner,
  ) {}

  set(atMs: number): void {
    this.atMs = atMs;
    this.arm(performance.now());
  }

  clear(): void {
    this.atMs = Infinity;
    this.spinning = false;
    if (this.timeout !== null) clearTimeout(this.timeout);
    this.timeout = null;
  }

  /** Called by the spinner once its target has passed. */
  due(): void {
    this.atMs = Infinity;
    this.fire();
  }

  private arm(now: number): void {
    if (this.timeout !== null) clearTimeout(this.timeout);
    this.timeout = null;
    const wait = this.atMs - now;
    if (wait > this.spinMs) {
      this.spinning = false;
      this.timeout = setTimeout(this.onTimeout, wait - this.spinMs);
    } else {
      this.spinner.add(this);
    }
  }

  private readonly onTimeout = (): void => {
    this.timeout = null;
    if (this.atMs === Infinity) return;
    const now = performance.now();
    if (now >= this.atMs) {
      this.atMs = Infinity;
      this.fire();
    } else {
      this.arm(now);
    }
  };
}

export function liveClock(spinMs = DEFAULT_SPIN_MS): Clock {
  const spinner = new Spinner();
  return {
    now: () => performance.now(),
    createTimer: (fire) => new LiveTimer(fire, spinMs, spinner),
  };
}
