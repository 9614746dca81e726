import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type EventTarget, type QueueEvent } from './event-queue.js';
import { VirtualClock } from './virtual-clock.js';

class Recorder implements EventTarget {
  readonly seen: Array<[number, unknown]> = [];
  fire(e: QueueEvent): void {
    this.seen.push([e.t, e.arg]);
  }
}

describe('EventQueue', () => {
  it('runs events in time order, ties in the order they were scheduled', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue();
        const r = new Recorder();
        times.forEach((t, i) => q.schedule(t, r, 0, 0, i));
        while (q.step());
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(r.seen).toEqual(expected);
      }),
    );
  });

  it('runs an event scheduled in the past at the current time, after those already due then', () => {
    const q = new EventQueue();
    const r = new Recorder();
    q.schedule(10, r, 0, 0, 'a');
    q.schedule(10, r, 0, 0, 'b');
    q.step();
    q.schedule(3, r, 0, 0, 'late');
    while (q.step());
    expect(r.seen).toEqual([
      [10, 'a'],
      [10, 'b'],
      [10, 'late'],
    ]);
  });

  it('sorts buckets crowded past insertion sort, and reads only the events counted in an array that comes back to the ring', () => {
    const q = new EventQueue();
    const r = new Recorder();
    // 100 events within one 1/8 ms bucket (bucket 40), scheduled out of time order.
    const first = Array.from({ length: 100 }, (_, i) => 5 + ((i * 37) % 100) / 1000);
    first.forEach((t, i) => q.schedule(t, r, 0, 0, i));
    // Running bucket 48 parks bucket 40's array, 100 entries long, in ring slot 48; bucket 49 moves
    // time past that slot.
    q.schedule(6, r, 0, 0, 'x');
    q.schedule(6.125, r, 0, 0, 'y');
    while (q.step());
    expect(r.seen.map(([t]) => t)).toEqual([...[...first].sort((a, b) => a - b), 6, 6.125]);
    r.seen.length = 0;
    // Bucket 8240, 8191 ahead of bucket 49: ring slot 48 again, 60 events, more than insertion sorts.
    const times = Array.from({ length: 60 }, (_, i) => 1030 + ((i * 7) % 60) / 1000);
    times.forEach((t, i) => q.schedule(t, r, 0, 0, i));
    expect(q.size).toBe(60);
    // Bounded: a queue that took stale entries for events could run them again and again.
    for (let k = 0; k < 1000 && q.step(); k++);
    expect(r.seen.map(([t]) => t)).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('EventQueue against a sorted reference', () => {
  // Times on a 1/16 ms grid, so equal times are frequent, spread from the current bucket to past the
  // ring's end (1,024 ms), with some in the past; the queue is stepped, peeked and fed in any order.
  const op = fc.oneof(
    fc.record({ kind: fc.constant('schedule' as const), dt: fc.integer({ min: -32, max: 160 }).map((x) => x / 16) }),
    fc.record({ kind: fc.constant('far' as const), dt: fc.integer({ min: 16_000, max: 48_000 }).map((x) => x / 16) }),
    fc.record({ kind: fc.constant('step' as const) }),
    fc.record({ kind: fc.constant('peek' as const) }),
  );

  it('runs the same events in the same order as a (time, schedule order) sort', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 0, max: 5000 }), (ops, start) => {
        const q = new EventQueue();
        const r = new Recorder();
        const pending: Array<{ t: number; seq: number }> = [];
        let seq = 0;
        let now = 0;
        const runOne = (): void => {
          pending.sort((a, b) => a.t - b.t || a.seq - b.seq);
          const want = pending.shift();
          expect(q.step()).toBe(want !== undefined);
          if (want === undefined) return;
          now = want.t;
          expect(r.seen[r.seen.length - 1]).toEqual([want.t, want.seq]);
          expect(q.now).toBe(want.t);
        };
        q.schedule(start, r, 0, 0, seq);
        pending.push({ t: start, seq: seq++ });
        for (const o of ops) {
          if (o.kind === 'step') runOne();
          else if (o.kind === 'peek') {
            const min = pending.reduce((m, p) => Math.min(m, p.t), Infinity);
            expect(q.peekTime()).toBe(min);
          } else {
            const t = now + o.dt;
            q.schedule(t, r, 0, 0, seq);
            pending.push({ t: Math.max(t, now), seq: seq++ });
          }
          expect(q.size).toBe(pending.length);
        }
        while (pending.length > 0) runOne();
        expect(q.step()).toBe(false);
        expect(q.peekTime()).toBe(Infinity);
      }),
    );
  });

  it('refuses a time that is not finite', () => {
    const q = new EventQueue();
    expect(() => q.schedule(Number.NaN, new Recorder(), 0, 0, null)).toThrow(/not a finite time/);
    expect(() => q.schedule(Infinity, new Recorder(), 0, 0, null)).toThrow(/not a finite time/);
  });
});

describe('VirtualClock', () => {
  it('fires a timer once at its last setting; clear and re-arm cancel the earlier entries', () => {
    const q = new EventQueue();
    const clock = new VirtualClock(q);
    const fired: number[] = [];
    const timer = clock.createTimer(() => fired.push(clock.now()));
    timer.set(50);
    timer.set(20);
    timer.set(30);
    while (q.step());
    expect(fired).toEqual([30]);
    timer.set(40);
    timer.clear();
    while (q.step());
    expect(fired).toEqual([30]);
  });
});
