import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { BUSY, LeafServer, TOO_LATE, leafServer } from './capacity.js';

const NO_TMAX = Infinity;

/**
 * A FIFO queue with `c` servers and room for `q` waiting, simulated the long way: requests wait in
 * an explicit line, and each server, when free, takes the head of the line. The wait of each
 * request, or BUSY.
 */
function reference(c: number, q: number, arrivals: number[], services: number[]): number[] {
  const freeAt = new Array<number>(c).fill(-Infinity);
  const line: number[] = [];
  const waits = new Array<number>(arrivals.length).fill(Number.NaN);
  // Serve the line up to time t: the soonest free server takes the head, if it is free by then.
  const advance = (t: number): void => {
    while (line.length > 0) {
      let s = 0;
      for (let k = 1; k < c; k++) if (freeAt[k]! < freeAt[s]!) s = k;
      if (freeAt[s]! > t) return;
      const i = line.shift()!;
      const start = Math.max(freeAt[s]!, arrivals[i]!);
      waits[i] = start - arrivals[i]!;
      freeAt[s] = start + services[i]!;
    }
  };
  arrivals.forEach((t, i) => {
    advance(t);
    const s = freeAt.indexOf(Math.min(...freeAt));
    if (line.length === 0 && freeAt[s]! <= t) {
      waits[i] = 0;
      freeAt[s] = t + services[i]!;
    } else if (line.length < q) line.push(i);
    else waits[i] = BUSY;
  });
  advance(Infinity);
  return waits;
}

describe('LeafServer', () => {
  it('with one server and no queue, refuses what arrives while it is busy', () => {
    const s = new LeafServer({ concurrency: 1, queue: 0 }, false);
    expect(s.admit(0, 10, NO_TMAX)).toBe(0);
    expect(s.admit(5, 1, NO_TMAX)).toBe(BUSY);
    expect(s.admit(10, 1, NO_TMAX)).toBe(0);
    expect([s.queued, s.busy, s.tooLate]).toEqual([0, 1, 0]);
  });

  it('queues up to `queue` requests first come first served, each waiting for the ones before it', () => {
    const s = new LeafServer({ concurrency: 1, queue: 2 }, false);
    expect(s.admit(0, 10, NO_TMAX)).toBe(0);
    expect(s.admit(1, 5, NO_TMAX)).toBe(9); // starts at 10
    expect(s.admit(2, 3, NO_TMAX)).toBe(13); // starts at 15
    expect(s.waiting(3)).toBe(2);
    expect(s.admit(3, 1, NO_TMAX)).toBe(BUSY);
    // At 10.5 the first waiting one has started: one place is free, behind the one starting at 15.
    expect(s.waiting(10.5)).toBe(1);
    expect(s.admit(10.5, 1, NO_TMAX)).toBe(7.5); // starts at 18
    expect([s.queued, s.busy]).toEqual([3, 1]);
  });

  it('gives each request the server free soonest', () => {
    const s = new LeafServer({ concurrency: 2, queue: 10 }, false);
    expect(s.admit(0, 10, NO_TMAX)).toBe(0);
    expect(s.admit(0, 4, NO_TMAX)).toBe(0);
    expect(s.admit(1, 4, NO_TMAX)).toBe(3); // the second server, free at 4
    expect(s.admit(1, 1, NO_TMAX)).toBe(7); // the second again, free at 8 (the first is free at 10)
    expect(s.admit(1, 1, NO_TMAX)).toBe(8); // now the second is free at 9 and the first at 10
  });

  it('reading tmax, refuses at once what would finish after it, and keeps no server for it', () => {
    const s = new LeafServer({ concurrency: 1, queue: 5 }, true);
    expect(s.admit(0, 30, 40)).toBe(0);
    expect(s.admit(1, 20, 40)).toBe(TOO_LATE); // 29 waiting + 20 > 40
    expect(s.admit(2, 10, 40)).toBe(28); // 28 + 10 <= 40: the refused one took no place
    expect([s.queued, s.busy, s.tooLate]).toEqual([1, 0, 1]);
    // A full queue is refused as busy before tmax is looked at.
    const full = new LeafServer({ concurrency: 1, queue: 0 }, true);
    full.admit(0, 30, 40);
    expect(full.admit(1, 100, 40)).toBe(BUSY);
  });

  it('without a capacity but reading tmax, refuses only a service time past tmax', () => {
    const s = new LeafServer(null, true);
    expect(s.admit(0, 39, 40)).toBe(0);
    expect(s.admit(0, 40, 40)).toBe(0);
    expect(s.admit(0, 41, 40)).toBe(TOO_LATE);
    expect(s.admit(0, 1e9, 40)).toBe(TOO_LATE);
    expect([s.queued, s.busy, s.tooLate]).toEqual([0, 0, 2]);
  });

  it('is null for a leaf with unlimited capacity that ignores tmax', () => {
    const bid = { rate: 1, price: { model: 'constant', value: 1 } as const, shade: 1 };
    expect(leafServer({ bid })).toBeNull();
    expect(leafServer({ bid, capacity: null })).toBeNull();
    expect(leafServer({ bid: { ...bid, respectTmax: false } })).toBeNull();
    expect(leafServer({ bid: { ...bid, respectTmax: true } })).toBeInstanceOf(LeafServer);
    expect(leafServer({ bid, capacity: { concurrency: 1, queue: 0 } })).toBeInstanceOf(LeafServer);
  });

  it('agrees request by request with a queue simulated the long way', () => {
    const rng = seedrandom.alea('capacity');
    for (const [c, q, rate] of [
      [1, 0, 0.5],
      [1, 3, 0.9],
      [1, 1000, 0.95],
      [3, 2, 2.5],
      [4, 40, 3.9],
      [8, 5, 12],
    ] as const) {
      const n = 3000;
      const arrivals: number[] = [];
      const services: number[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        t += -Math.log1p(-rng()) / rate;
        arrivals.push(t);
        services.push(-Math.log1p(-rng()));
      }
      const server = new LeafServer({ concurrency: c, queue: q }, false);
      const got = arrivals.map((a, i) => server.admit(a, services[i]!, NO_TMAX));
      const want = reference(c, q, arrivals, services);
      for (let i = 0; i < n; i++) {
        if (want[i] === BUSY) expect(got[i], `c ${c} q ${q} request ${i}`).toBe(BUSY);
        else expect(got[i], `c ${c} q ${q} request ${i}`).toBeCloseTo(want[i]!, 9);
      }
      expect(server.busy).toBe(want.filter((w) => w === BUSY).length);
      expect(server.queued).toBe(want.filter((w) => w > 0).length);
      // The long queue really was long: the ring grew past its first size and wrapped.
      if (q === 1000) expect(server.queued).toBeGreaterThan(n / 2);
    }
  });

  it('forgets its counts on resetCounts but keeps serving where it was', () => {
    const s = new LeafServer({ concurrency: 1, queue: 1 }, false);
    s.admit(0, 10, NO_TMAX);
    s.admit(1, 10, NO_TMAX);
    s.resetCounts();
    expect([s.queued, s.busy, s.tooLate]).toEqual([0, 0, 0]);
    expect(s.admit(2, 1, NO_TMAX)).toBe(BUSY);
  });
});
