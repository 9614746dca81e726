import { describe, expect, it } from 'vitest';
import { createProgress, PIPED_PROGRESS_EVERY_MS, Throttle } from './progress.js';

/** An output that records what is written, and a clock the test moves. */
function rig(isTTY: boolean) {
  const writes: string[] = [];
  const clock = { ms: 0 };
  const progress = createProgress({ isTTY, write: (t: string) => writes.push(t) }, () => clock.ms);
  return { writes, clock, progress };
}

describe('Throttle', () => {
  it('lets the first call through, then one per interval of the time it is given', () => {
    const t = new Throttle(5000);
    expect([0, 1, 4999, 5000, 5001, 9999, 10_000, 30_000].map((ms) => t.due(ms))).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('counts the interval from the last line let through, not from a fixed grid', () => {
    const t = new Throttle(1000);
    expect([0, 1500, 2000, 2499, 2500].map((ms) => t.due(ms))).toEqual([true, true, false, false, true]);
  });
});

describe('createProgress without a terminal', () => {
  it('prints a long run reported every simulated second as a line per 5 s of wall time, and the last', () => {
    const { writes, clock, progress } = rig(false);
    // 600 reports over 12 s of wall time, as a 600 s virtual run reports them.
    for (let i = 1; i <= 600; i++) {
      clock.ms = i * 20;
      progress.update(`${i} s`);
    }
    progress.end();
    expect(PIPED_PROGRESS_EVERY_MS).toBe(5000);
    expect(writes).toEqual(['1 s\n', '251 s\n', '501 s\n', '600 s\n']);
  });

  it('does not print the last line twice when it was already printed, nor anything for a run with no progress', () => {
    const { writes, clock, progress } = rig(false);
    progress.update('a');
    clock.ms = 6000;
    progress.update('b');
    progress.end();
    progress.end();
    expect(writes).toEqual(['a\n', 'b\n']);
    const quiet = rig(false);
    quiet.progress.end();
    expect(quiet.writes).toEqual([]);
  });

  it('prints a note at once, and drops a held line older than the note', () => {
    const { writes, clock, progress } = rig(false);
    progress.update('1 s');
    clock.ms = 1000;
    progress.update('2 s');
    progress.note('sample');
    progress.end();
    expect(writes).toEqual(['1 s\n', 'sample\n']);
  });
});

describe('createProgress on a terminal', () => {
  it('redraws one line in place for every report, whatever the clock, and clears it at the end', () => {
    const { writes, progress } = rig(true);
    progress.update('1 s');
    progress.update('2 s');
    progress.end();
    expect(writes).toEqual(['\r\x1b[K1 s', '\r\x1b[K2 s', '\r\x1b[K']);
  });

  it('clears the progress line for a note, which stays', () => {
    const { writes, progress } = rig(true);
    progress.note('first');
    progress.update('1 s');
    progress.note('sample');
    progress.end();
    expect(writes).toEqual(['first\n', '\r\x1b[K1 s', '\r\x1b[Ksample\n']);
  });
});
