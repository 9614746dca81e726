// The time seam: the exchange reads time and arms its one deadline timer only through this, so the
// same logic runs on performance.now() and real timers, or on a virtual discrete-event clock.

export interface Timer {
  /** (Re)arm the timer to fire once at `atMs` on this clock; replaces any earlier setting. */
  set(atMs: number): void;
  clear(): void;
}

export interface Clock {
  /** Milliseconds, monotonic, arbitrary origin. */
  now(): number;
  /** A reusable one-shot timer that calls `fire` (no closure per arming). */
  createTimer(fire: () => void): Timer;
}
