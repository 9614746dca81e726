// A clock that moves only when the test says so, for deadline logic over real sockets without
// wall-clock margins: the test waits for the messages it expects, then advances time.

import type { Clock, Timer } from '../../src/exchange/clock.js';

export class ManualClock implements Clock {
  private t = 0;
  private readonly timers = new Set<ManualTimer>();

  now(): number {
    return this.t;
  }

  createTimer(fire: () => void): Timer {
    const timer = new ManualTimer(fire, this.timers);
    return timer;
  }

  /** Move time forward without firing anything, as an event loop that is running late would. */
  jump(ms: number): void {
    this.t += ms;
  }

  /** Move time forward, firing due timers in time order at their own times. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: ManualTimer | null = null;
      for (const timer of this.timers) if (timer.at <= end && (next === null || timer.at < next.at)) next = timer;
      if (next === null) break;
      this.t = Math.max(this.t, next.at);
      this.timers.delete(next);
      next.fire();
    }
    this.t = end;
  }
}

class ManualTimer implements Timer {
  at = Infinity;
  constructor(
    readonly fire: () => void,
    private readonly timers: Set<ManualTimer>,
  ) {}
  set(atMs: number): void {
    this.at = atMs;
    this.timers.add(this);
  }
  clear(): void {
    this.timers.delete(this);
  }
}
