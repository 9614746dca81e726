import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops in `before` order whatever the push order, ties in insertion order when before says so', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), (keys) => {
        const h = new MinHeap<{ k: number; seq: number }>((a, b) => a.k < b.k || (a.k === b.k && a.seq < b.seq));
        keys.forEach((k, seq) => h.push({ k, seq }));
        expect(h.size).toBe(keys.length);
        const out: Array<{ k: number; seq: number }> = [];
        for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
        const expected = keys.map((k, seq) => ({ k, seq })).sort((a, b) => a.k - b.k || a.seq - b.seq);
        expect(out).toEqual(expected);
        expect(h.peek()).toBeUndefined();
      }),
    );
  });

  it('peeks without removing, and clears', () => {
    const h = new MinHeap<number>((a, b) => a < b);
    h.push(3);
    h.push(1);
    expect(h.peek()).toBe(1);
    expect(h.size).toBe(2);
    h.clear();
    expect(h.size).toBe(0);
  });
});
