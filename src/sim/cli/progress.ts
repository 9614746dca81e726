// Where progress lines go. On a terminal one line is redrawn in place as often as the run reports;
// anywhere else (a log file, a pipe, CI) each line is a line for good, so they are thinned to one per
// few seconds of wall time, and the last one is always printed: a 600 s virtual run reported once per
// simulated second used to leave 600 lines in a log.

/** Wall-clock milliseconds between progress lines when the output is not a terminal. */
export const PIPED_PROGRESS_EVERY_MS = 5000;

/** Whether a line is due at `nowMs`: the first at once, then at most one per `everyMs`. The caller gives the time. */
export class Throttle {
  private last = -Infinity;

  constructor(private readonly everyMs: number) {}

  due(nowMs: number): boolean {
    if (nowMs - this.last < this.everyMs) return false;
    this.last = nowMs;
    return true;
  }
}

export interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOutput {
  /** The run's latest progress: redrawn in place on a terminal, printed when due elsewhere. */
  update(line: string): void;
  /** A line to keep (a sample, a finding), printed at once; on a terminal the progress line makes way for it. */
  note(line: string): void;
  /** The run is over: the progress line is cleared from a terminal, or, elsewhere, the last one printed if it was held back. */
  end(): void;
}

export function createProgress(
  out: Output = process.stdout,
  now: () => number = () => performance.now(),
  everyMs: number = PIPED_PROGRESS_EVERY_MS,
): ProgressOutput {
  if (out.isTTY === true) {
    let drawn = false;
    return {
      update: (line) => {
        out.write(`\r\x1b[K${line}`);
        drawn = true;
      },
      note: (line) => {
        out.write(`${drawn ? '\r\x1b[K' : ''}${line}\n`);
        drawn = false;
      },
      end: () => {
        if (drawn) out.write('\r\x1b[K');
        drawn = false;
      },
    };
  }
  const throttle = new Throttle(everyMs);
  let held: string | null = null;
  return {
    update: (line) => {
      if (throttle.due(now())) {
        out.write(`${line}\n`);
        held = null;
      } else held = line;
    },
    note: (line) => {
      // A held line is older than the note: printed after it at the end, it would read out of order.
      held = null;
      out.write(`${line}\n`);
    },
    end: () => {
      if (held !== null) out.write(`${held}\n`);
      held = null;
    },
  };
}
