import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { NoBidReason } from '../protocol/codes.js';
import type { BidRequest, BidResponse } from '../protocol/openrtb.js';
import type { LeafConfig } from './config.js';
import { createLeaf, leafRng, malformed, type Decision, type Leaf } from './decision.js';

function request(n: number, imps = 1, floor = 0.1): BidRequest {
  return {
    id: `req-${n}`,
    imp: Array.from({ length: imps }, (_, i) => ({
      id: `${i + 1}`,
      bidfloor: floor,
      bidfloorcur: 'USD',
      banner: { w: 300, h: 250 },
    })),
    tmax: 95,
    at: 1,
    cur: ['USD'],
  };
}

function config(overrides: Partial<LeafConfig> = {}): LeafConfig {
  return {
    name: 'dsp-fast-1',
    group: 'dsp-fast',
    latency: { model: 'lognormal', medianMs: 20, p99Ms: 60 },
    bid: { rate: 0.9, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
    faults: { timeout: 0, malformed: 0, disconnect: 0 },
    ...overrides,
  };
}

function run(leaf: Leaf, n: number, imps = 1): Decision[] {
  return Array.from({ length: n }, (_, i) => leaf.decide(request(i, imps)));
}

/** |observed share - p| within 4 standard errors of a binomial share over n trials. */
function expectShare(count: number, n: number, p: number): void {
  expect(Math.abs(count / n - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n));
}

const delayOf = (d: Decision): number | undefined => (d.kind === 'silent' ? undefined : d.delayMs);
const pricesOf = (d: Decision): number[] | undefined =>
  d.kind === 'respond' && d.response.seatbid ? d.response.seatbid.flatMap((s) => s.bid.map((b) => b.price)) : undefined;

describe('leafRng', () => {
  it('is the Alea generator of seedrandom, seeded with "<seed>/<leaf name>"', () => {
    const a = leafRng(7, 'dsp-1');
    const b = seedrandom.alea('7/dsp-1');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('createLeaf', () => {
  it('carries the leaf name and group', () => {
    const leaf = createLeaf(config(), 1);
    expect([leaf.name, leaf.group]).toEqual(['dsp-fast-1', 'dsp-fast']);
  });

  it('draws then answers exactly what decide gives at once, later and in any order (as virtual time does)', () => {
    const cfg = config({ faults: { timeout: 0.1, malformed: 0.1, disconnect: 0.1 } });
    const reqs = Array.from({ length: 400 }, (_, i) => request(i, 1 + (i % 3)));
    const direct = createLeaf(cfg, 42);
    const expected = reqs.map((r) => direct.decide(r));
    const split = createLeaf(cfg, 42);
    const draws = reqs.map((r) => split.draw(r));
    // Answers built in reverse order still carry their own bid ids and prices.
    const answers = new Array<BidResponse | null>(draws.length).fill(null);
    for (let i = draws.length - 1; i >= 0; i--) {
      const d = draws[i]!;
      if (d.kind === 'bid' || d.kind === 'no-bid') answers[i] = split.answer(d);
    }
    const rebuilt: Decision[] = draws.map((d, i) =>
      d.kind === 'silent'
        ? { kind: 'silent' }
        : d.kind === 'malformed' || d.kind === 'disconnect'
          ? { kind: d.kind, delayMs: d.delayMs }
          : { kind: 'respond', delayMs: d.delayMs, response: answers[i]! },
    );
    expect(rebuilt).toEqual(expected);
    // Bid ids count the leaf's bids in request order, whenever the answers are built.
    const ids = rebuilt.flatMap((d) =>
      d.kind === 'respond' ? (d.response.seatbid ?? []).flatMap((sb) => sb.bid.map((b) => b.id)) : [],
    );
    expect(ids.length).toBeGreaterThan(200);
    expect(ids).toEqual(ids.map((_, i) => String(i + 1)));
  });

  it('refuses to build a response for a draw that has none', () => {
    const leaf = createLeaf(config({ faults: { timeout: 1, malformed: 0, disconnect: 0 } }), 1);
    const d = leaf.draw(request(1));
    expect(d.kind).toBe('silent');
    expect(() => leaf.answer(d)).toThrow(/'silent' draw has no response/);
  });

  it('decides the same way for the same seed and name', () => {
    const cfg = config({ faults: { timeout: 0.1, malformed: 0.1, disconnect: 0.1 } });
    expect(run(createLeaf(cfg, 42), 500, 2)).toEqual(run(createLeaf(cfg, 42), 500, 2));
  });

  it('decides differently under another seed or another name', () => {
    const base = run(createLeaf(config(), 42), 50).map(delayOf);
    expect(run(createLeaf(config(), 43), 50).map(delayOf)).not.toEqual(base);
    expect(run(createLeaf(config({ name: 'dsp-fast-2' }), 42), 50).map(delayOf)).not.toEqual(base);
  });

  it("does not change a leaf's decisions when another leaf exists and draws", () => {
    const alone = run(createLeaf(config({ name: 'a' }), 'seed'), 300, 2);
    const a = createLeaf(config({ name: 'a' }), 'seed');
    const b = createLeaf(
      config({ name: 'b', bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 } }),
      'seed',
    );
    const together: Decision[] = [];
    for (let i = 0; i < 300; i++) {
      b.decide(request(i, 3));
      together.push(a.decide(request(i, 2)));
      b.decide(request(i, 1));
    }
    expect(together).toEqual(alone);
  });

  it('takes the same draws on every branch: fault and bid rates do not reshuffle latencies or prices', () => {
    const latency = {
      model: 'mixture' as const,
      of: [
        { weight: 0.95, model: 'lognormal' as const, medianMs: 20, p99Ms: 60 },
        { weight: 0.05, model: 'constant' as const, ms: 300 },
      ],
    };
    const clean = run(
      createLeaf(config({ latency, bid: { rate: 1, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 } }), 9),
      2000,
      2,
    );
    const faulty = run(
      createLeaf(
        config({
          latency,
          bid: { rate: 0.5, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 },
          faults: { timeout: 0.2, malformed: 0.1, disconnect: 0.1 },
        }),
        9,
      ),
      2000,
      2,
    );
    let compared = 0;
    faulty.forEach((d, i) => {
      const c = clean[i] as Decision;
      if (d.kind !== 'silent') expect(delayOf(d)).toBe(delayOf(c));
      const prices = pricesOf(d);
      if (prices !== undefined) {
        expect(prices).toEqual(pricesOf(c));
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(300);
  });

  it('answers each fault at its configured share, within 4 standard errors', () => {
    const n = 20_000;
    const faults = { timeout: 0.05, malformed: 0.03, disconnect: 0.02 };
    const counts = { respond: 0, malformed: 0, silent: 0, disconnect: 0 };
    for (const d of run(createLeaf(config({ faults }), 3), n)) counts[d.kind]++;
    expectShare(counts.silent, n, faults.timeout);
    expectShare(counts.malformed, n, faults.malformed);
    expectShare(counts.disconnect, n, faults.disconnect);
    expectShare(counts.respond, n, 0.9);
  });

  it('bids at the configured rate and otherwise sends an explicit no-bid', () => {
    const n = 20_000;
    const decisions = run(
      createLeaf(config({ bid: { rate: 0.7, price: { model: 'constant', value: 1 }, shade: 1 } }), 5),
      n,
    );
    const bids = decisions.filter((d) => pricesOf(d) !== undefined).length;
    expectShare(bids, n, 0.7);
    const noBid = decisions.find((d) => d.kind === 'respond' && d.response.seatbid === undefined);
    expect(noBid).toEqual({
      kind: 'respond',
      delayMs: expect.any(Number),
      response: { id: expect.any(String), nbr: NoBidReason.UNMATCHED_USER },
    });
  });

  it('shades the drawn value and rounds the price to 4 decimals', () => {
    const constant = run(
      createLeaf(config({ bid: { rate: 1, price: { model: 'constant', value: 2 }, shade: 0.8 } }), 1),
      20,
    );
    for (const d of constant) expect(pricesOf(d)).toEqual([1.6]);

    const price = { model: 'uniform' as const, min: 0.5, max: 3 };
    const full = run(createLeaf(config({ bid: { rate: 1, price, shade: 1 } }), 1), 200, 2);
    const half = run(createLeaf(config({ bid: { rate: 1, price, shade: 0.5 } }), 1), 200, 2);
    half.forEach((d, i) => {
      const shaded = pricesOf(d) as number[];
      const unshaded = pricesOf(full[i] as Decision) as number[];
      shaded.forEach((p, j) => {
        expect(Math.abs(p - 0.5 * (unshaded[j] as number))).toBeLessThanOrEqual(1e-4);
        expect(Math.round(p * 1e4) / 1e4).toBe(p);
      });
    });
  });

  it('bids even below the floor, and never a zero price', () => {
    const leaf = createLeaf(config({ bid: { rate: 1, price: { model: 'constant', value: 0.00001 }, shade: 1 } }), 1);
    expect(pricesOf(leaf.decide(request(1, 1, 10)))).toEqual([0.0001]);
  });

  it('builds a valid response: request id, one bid per impression in order, unique bid ids', () => {
    const leaf = createLeaf(config({ bid: { rate: 1, price: { model: 'uniform', min: 0.5, max: 3 }, shade: 1 } }), 1);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const d = leaf.decide(request(i, 3));
      if (d.kind !== 'respond') throw new Error(`expected a response, got ${d.kind}`);
      const { response } = d;
      expect(response.id).toBe(`req-${i}`);
      expect(response.cur).toBe('USD');
      expect(response.seatbid).toHaveLength(1);
      const seat = response.seatbid?.[0];
      expect(seat?.seat).toBe('dsp-fast-1');
      expect(seat?.bid.map((b) => b.impid)).toEqual(['1', '2', '3']);
      for (const bid of seat?.bid ?? []) {
        expect(seen.has(bid.id)).toBe(false);
        seen.add(bid.id);
        expect(bid.price).toBeGreaterThanOrEqual(0.5);
        expect(bid.price).toBeLessThanOrEqual(3);
        expect(bid.crid).toBe('dsp-fast-1-creative');
        expect(bid.adomain).toEqual(['dsp-fast-1.example']);
      }
      expect(d.delayMs).toBeGreaterThanOrEqual(0);
    }
    expect(seen.size).toBe(150);
  });

  it('gives silence no delay and garbage or a drop the sampled delay', () => {
    const latency = { model: 'constant' as const, ms: 12 };
    expect(
      createLeaf(config({ latency, faults: { timeout: 1, malformed: 0, disconnect: 0 } }), 1).decide(request(1)),
    ).toEqual({ kind: 'silent' });
    expect(
      createLeaf(config({ latency, faults: { timeout: 0, malformed: 1, disconnect: 0 } }), 1).decide(request(1)),
    ).toEqual({
      kind: 'malformed',
      delayMs: 12,
    });
    expect(
      createLeaf(config({ latency, faults: { timeout: 0, malformed: 0, disconnect: 1 } }), 1).decide(request(1)),
    ).toEqual({
      kind: 'disconnect',
      delayMs: 12,
    });
  });

  it('writes a malformed answer that names its request and then stops being JSON', () => {
    const text = malformed('req-"7"');
    expect(text.startsWith('{"id":"req-\\"7\\"",')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });
});
