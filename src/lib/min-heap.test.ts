import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops by key whatever the push order, equal keys in insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 })), (keys) => {
        const h = new MinHeap<{ k: number; seq: number }>();
        keys.forEach((k, seq) => h.push({ k, seq }, k));
        expect(h.size).toBe(keys.length);
        const out: Array<{ k: number; seq: number }> = [];
        for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
        const expected = keys.map((k, seq) => ({ k, seq })).sort((a, b) => a.k - b.k || a.seq - b.seq);
        expect(out).toEqual(expected);
        expect(h.peek()).toBeUndefined();
      }),
    );
  });

  it('interleaved pushes and pops always give the least key, earliest pushed among equals', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }), { maxLength: 300 }), (ops) => {
        const h = new MinHeap<number>();
        const model: Array<{ k: number; seq: number }> = [];
        ops.forEach((op, seq) => {
          if (op === null) {
            model.sort((a, b) => a.k - b.k || a.seq - b.seq);
            expect(h.pop()).toBe(model.shift()?.seq);
          } else {
            h.push(seq, op);
            model.push({ k: op, seq });
          }
          expect(h.size).toBe(model.length);
        });
      }),
    );
  });

  it('peeks without removing, and clears', () => {
    const h = new MinHeap<string>();
    expect(h.peekKey()).toBe(Infinity);
    h.push('three', 3);
    h.push('one', 1);
    expect(h.peek()).toBe('one');
    expect(h.peekKey()).toBe(1);
    expect(h.size).toBe(2);
    h.clear();
    expect(h.size).toBe(0);
  });
});
