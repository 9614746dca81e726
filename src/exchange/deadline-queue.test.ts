import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DeadlineQueue } from './deadline-queue.js';

describe('DeadlineQueue', () => {
  it('pops items in deadline order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true })), (deadlines) => {
        const q = new DeadlineQueue<{ deadlineMs: number }>();
        for (const d of deadlines) q.push({ deadlineMs: d });
        const out: number[] = [];
        for (let item = q.pop(); item; item = q.pop()) out.push(item.deadlineMs);
        expect(out).toEqual([...deadlines].sort((a, b) => a - b));
        expect(q.size).toBe(0);
      }),
    );
  });

  it('peeks at the earliest without removing it', () => {
    const q = new DeadlineQueue<{ deadlineMs: number }>();
    q.push({ deadlineMs: 5 });
    q.push({ deadlineMs: 2 });
    expect(q.peek()?.deadlineMs).toBe(2);
    expect(q.size).toBe(2);
  });
});
