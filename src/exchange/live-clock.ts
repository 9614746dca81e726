// The live clock: performance.now() and Node timers. Node timers have millisecond granularity and
// may fire up to a millisecond early or late against performance.now(); a hard deadline should not
// inherit that. So a timer sleeps with setTimeout until about `spinMs` before the target, then
// finishes with setImmediate turns (which still let I/O in) until performance.now() has passed it.
//
// The spin is the costly part: under load some timer is nearly always within `spinMs` of its target,
// and every turn allocates (an Immediate, and the number performance.now() returns), which is garbage the
// young-generation collector must then stop the loop for. So the timers of one clock share a single
// spinner that reads the time once per turn for all of them, and a timer that is re-armed while it
// spins just moves its target instead of queueing another turn. And the spin has a budget (below):
// past it, timers finish on setTimeout, a millisecond less exact and a core's worth cheaper.

// `performance` is Node's global (the same object node:perf_hooks exports), read at each call so that
// a test's fake timers can stand in for it.
import type { Clock, Timer } from './clock.js';

/** How close to the target the timer switches from setTimeout to setImmediate turns. */
export const DEFAULT_SPIN_MS = 1;

/**
 * The share of wall time the spin may use, judged over slices of SPIN_SLICE_MS: once some timer has
 * spun for that share of the current slice, timers due in it finish on setTimeout instead (about a
 * millisecond late). Measured on 2 cores (docs/summary-json.md, "The live clock's spin"): an
 * unbounded spin ran the exchange's loop at utilisation 0.89 at 3,000 auctions/s whatever the work,
 * and the bidder host beside it then sent its answers 560-750 ms late at p99, against 10-85 ms with
 * no spin; at 200/s the spin is what puts the overshoot's median at 0.01 ms rather than 0.6 ms.
 * A budget keeps the precision where it is cheap and caps its cost where it is not.
 */
export const DEFAULT_SPIN_BUDGET = 0.25;
const SPIN_SLICE_MS = 100;

/**
 * What the spin cost over a stretch: the wall time some timer was spinning (the loop is never idle
 * then, so its utilisation counts that time as busy) and the turns it took.
 */
export interface SpinStats {
  windowMs: number;
  turns: number;
  /** Timers that wanted to spin but found the slice's budget spent. */
  refused: number;
}

/** One setImmediate turn at a time for every timer of a clock that is within its spin window. */
class Spinner {
  private readonly timers: LiveTimer[] = [];
  private immediate: NodeJS.Immediate | null = null;
  /** Time of the last turn, or of the window's opening (NaN when no window is open). */
  private lastMs = NaN;
  private sliceStartMs = -Infinity;
  private sliceSpinMs = 0;
  private readonly budgetMs: number;
  readonly stats: SpinStats = { windowMs: 0, turns: 0, refused: 0 };

  constructor(budget: number) {
    this.budgetMs = budget * SPIN_SLICE_MS;
  }

  /** Take the timer into the spin, unless the slice's budget is spent: false then. */
  add(t: LiveTimer): boolean {
    if (this.immediate === null) {
      const now = performance.now();
      if (now - this.sliceStartMs >= SPIN_SLICE_MS) {
        this.sliceStartMs = now;
        this.sliceSpinMs = 0;
      }
      if (this.sliceSpinMs >= this.budgetMs) {
        this.stats.refused++;
        return false;
      }
      this.immediate = setImmediate(this.turn);
      if (this.lastMs !== this.lastMs) this.lastMs = now;
    } else if (this.sliceSpinMs >= this.budgetMs && !t.listed) {
      this.stats.refused++;
      return false;
    }
    t.spinning = true;
    if (!t.listed) {
      t.listed = true;
      this.timers.push(t);
    }
    return true;
  }

  reset(): void {
    const st = this.stats;
    st.windowMs = 0;
    st.turns = 0;
    st.refused = 0;
  }

  /** The stats so far, an open window counted up to its last turn. */
  read(): SpinStats {
    return { ...this.stats };
  }

  private readonly turn = (): void => {
    this.immediate = null;
    const now = performance.now();
    const st = this.stats;
    const spun = now - this.lastMs;
    st.windowMs += spun;
    st.turns++;
    this.lastMs = now;
    if (now - this.sliceStartMs >= SPIN_SLICE_MS) {
      this.sliceStartMs = now;
      this.sliceSpinMs = 0;
    } else this.sliceSpinMs += spun;
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
    if (this.immediate === null) {
      if (kept > 0) this.immediate = setImmediate(this.turn);
      else this.lastMs = NaN; // the window closes
    }
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
    } else if (!this.spinner.add(this)) {
      // The spin's budget is spent: finish on a timer (Node fires it a millisecond or so later).
      this.spinning = false;
      this.timeout = setTimeout(this.onTimeout, wait);
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

export interface LiveClock extends Clock {
  /** What the spin cost since the clock was made or resetSpin() was last called. */
  spinStats(): SpinStats;
  resetSpin(): void;
}

/**
 * `spinMs` 0 turns the spin off (timers then rely on setTimeout alone, about 1 ms of granularity);
 * `budget` is the share of wall time the spin may take (1: unbounded).
 */
export function liveClock(spinMs = DEFAULT_SPIN_MS, budget = DEFAULT_SPIN_BUDGET): LiveClock {
  const spinner = new Spinner(budget);
  return {
    now: () => performance.now(),
    createTimer: (fire) => new LiveTimer(fire, spinMs, spinner),
    spinStats: () => spinner.read(),
    resetSpin: () => spinner.reset(),
  };
}
