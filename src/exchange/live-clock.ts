// The live clock: performance.now() and Node timers. Node timers have millisecond granularity and
// may fire up to a millisecond early or late against performance.now(); a hard deadline should not
// inherit that. So the timer sleeps with setTimeout until about `spinMs` before the target, then
// finishes with setImmediate turns (which still let I/O in) until performance.now() has passed it.

import { performance } from 'node:perf_hooks';
import type { Clock, Timer } from './clock.js';

/** How close to the target the timer switches from setTimeout to setImmediate turns. */
export const DEFAULT_SPIN_MS = 1;

class LiveTimer implements Timer {
  private atMs = Infinity;
  private timeout: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    private readonly fire: () => void,
    private readonly spinMs: number,
  ) {}

  set(atMs: number): void {
    this.atMs = atMs;
    this.arm();
  }

  clear(): void {
    this.atMs = Infinity;
    this.cancel();
  }

  private cancel(): void {
    if (this.timeout !== null) clearTimeout(this.timeout);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timeout = null;
    this.immediate = null;
  }

  private arm(): void {
    this.cancel();
    const wait = this.atMs - performance.now();
    if (wait > this.spinMs) this.timeout = setTimeout(this.onWake, wait - this.spinMs);
    else this.immediate = setImmediate(this.onWake);
  }

  private readonly onWake = (): void => {
    this.timeout = null;
    this.immediate = null;
    if (this.atMs === Infinity) return;
    if (performance.now() >= this.atMs) {
      this.atMs = Infinity;
      this.fire();
    } else {
      this.arm();
    }
  };
}

export function liveClock(spinMs = DEFAULT_SPIN_MS): Clock {
  return {
    now: () => performance.now(),
    createTimer: (fire) => new LiveTimer(fire, spinMs),
  };
}
