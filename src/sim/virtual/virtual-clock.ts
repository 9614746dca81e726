// The Clock seam over the event queue: now() is the queue's time and a timer is a queue entry.
// Re-arming does not search the queue for the old entry: it bumps the timer's generation, and an
// entry whose generation is stale is ignored when it comes due (lazy cancellation).

import type { Clock, Timer } from '../../exchange/clock.js';
import type { EventQueue, EventTarget, QueueEvent } from './event-queue.js';

class VirtualTimer implements Timer, EventTarget {
  private gen = 0;
  private armed = false;

  constructor(
    private readonly queue: EventQueue,
    private readonly onFire: () => void,
  ) {}

  set(atMs: number): void {
    this.gen++;
    this.armed = true;
    this.queue.schedule(atMs, this, this.gen, 0, null);
  }

  clear(): void {
    this.gen++;
    this.armed = false;
  }

  fire(e: QueueEvent): void {
    if (!this.armed || e.gen !== this.gen) return;
    this.armed = false;
    this.onFire();
  }
}

export class VirtualClock implements Clock {
  constructor(private readonly queue: EventQueue) {}

  now(): number {
    return this.queue.now;
  }

  createTimer(fire: () => void): Timer {
    return new VirtualTimer(this.queue, fire);
  }
}
