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
    expect(r.seen).toEqual([[10, 'a'], [10, 'b'], [10, 'late']]);
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
