import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DelayQueue } from './delay-queue.js';

describe('DelayQueue', () => {
  it('runs a zero delay at once, synchronously', () => {
    const q = new DelayQueue<string, number>();
    const seen: string[] = [];
    q.after(0, (a) => seen.push(a), 'now', 0);
    expect(seen).toEqual(['now']);
    expect(q.size).toBe(0);
  });

  it('runs calls in due order, ties first in first out, never early', async () => {
    const q = new DelayQueue<string, number>();
    const seen: Array<[string, number]> = [];
    const start = performance.now();
    const record = (a: string, dueMs: number): void => {
      seen.push([a, performance.now() - start - dueMs]);
    };
    // Queued first and far off, so the entries below re-arm the timer for an earlier head. The rest
    // are queued in due order: each entry's due time is taken when it is queued, so a stall between
    // two after() calls on a loaded machine could otherwise put 'c' ahead of the 7 ms entries.
    q.after(1000, record, 'z', 1000);
    q.after(3, record, 'a', 3);
    q.after(7, record, 'b1', 7);
    q.after(7, record, 'b2', 7);
    // The wait ends when the last entry due runs; the timeout only bounds a queue that never runs it.
    let bound: NodeJS.Timeout | undefined;
    const lastRan = new Promise<void>((resolve, reject) => {
      bound = setTimeout(
        () => reject(new Error(`the 12 ms entry had not run after 2 s (ran: ${seen.map((s) => s[0]).join(', ')})`)),
        2000,
      );
      q.after(
        12,
        (a, dueMs) => {
          record(a, dueMs);
          resolve();
        },
        'c',
        12,
      );
    });
    try {
      await lastRan;
    } finally {
      clearTimeout(bound);
    }
    expect(seen.map((s) => s[0])).toEqual(['a', 'b1', 'b2', 'c']);
    for (const [, early] of seen) expect(early).toBeGreaterThanOrEqual(0);
    q.close();
  });

  it('drops pending calls on close', async () => {
    const q = new DelayQueue<string, number>();
    let ran = 0;
    q.after(2, () => ran++, 'x', 0);
    q.close();
    q.after(1, () => ran++, 'y', 0);
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(0);
  });

  it('sleeps at most a day at a time: an answer due in a month sets no timer Node cannot hold', async () => {
    // Past 2^31 - 1 ms Node warns and fires in 1 ms; the queue would re-arm and warn every millisecond.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const q = new DelayQueue<string, number>();
    let ran = 0;
    try {
      q.after(30 * 86_400_000, () => ran++, 'late', 0);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      q.close();
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    expect(ran).toBe(0);
  });
});
