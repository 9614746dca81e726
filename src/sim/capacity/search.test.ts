import { describe, expect, it } from 'vitest';
import {
  roundRate,
  searchCapacity,
  settingsProblems,
  type ProbeFinding,
  type SearchResult,
  type SearchSettings,
} from './search.js';

const SETTINGS: SearchSettings = { from: 100, max: 100_000, min: 1, precision: 0.05, budget: 40, confirm: true };

/** A machine whose harness stays ok up to `limit` auctions per second. */
function threshold(limit: number): (rate: number) => Promise<ProbeFinding> {
  return (rate) => Promise.resolve(finding(rate, rate <= limit));
}

function finding(rate: number, ok: boolean): ProbeFinding {
  return {
    rate,
    verdict: ok ? 'ok' : 'degraded',
    reasons: ok ? [] : [`exchange utilisation ${rate} passed 0.8`],
    exchangeUtilisation: null,
    exchangeUtilisationNetOfSpin: null,
    bidderHostUtilisation: null,
    auctionP99Ms: 1,
    timeoutRate: 0,
    auctions: 1,
    perSec: rate,
  };
}

/** What every search must hold: the answer was judged ok every time, every rate above it was not. */
function expectSound(r: SearchResult, s: SearchSettings): void {
  expect(r.probes.length).toBeLessThanOrEqual(s.budget);
  for (const p of r.probes) {
    expect(p.rate).toBeGreaterThanOrEqual(s.min);
    expect(p.rate).toBeLessThanOrEqual(s.max);
  }
  if (r.capacity === null) return;
  const at = r.probes.filter((p) => p.rate === r.capacity);
  expect(at.length).toBeGreaterThan(0);
  expect(at.every((p) => p.ok)).toBe(true);
  const above = new Set(r.probes.filter((p) => p.rate > r.capacity!).map((p) => p.rate));
  for (const rate of above) expect(r.probes.some((p) => p.rate === rate && !p.ok)).toBe(true);
  if (r.notOk !== null) expect(Math.min(...above)).toBe(r.notOk);
}

describe('searchCapacity', () => {
  it.each([150, 730, 2_400, 41_000])('finds a threshold at %d/s within the precision, confirmed', async (limit) => {
    const r = await searchCapacity(SETTINGS, threshold(limit));
    expect(r.end).toBe('found');
    expect(r.confirmed).toBe(true);
    expect(r.capacity!).toBeLessThanOrEqual(limit);
    expect(r.notOk!).toBeGreaterThan(limit);
    expect((r.notOk! - r.capacity!) / r.capacity!).toBeLessThanOrEqual(SETTINGS.precision);
    expect(r.width).toBeCloseTo((r.notOk! - r.capacity!) / r.capacity!, 12);
    expect(r.probes.at(-1)).toMatchObject({ phase: 'confirm', rate: r.capacity, ok: true });
    expectSound(r, SETTINGS);
  });

  it('doubles up from the first rate, then bisects', async () => {
    const r = await searchCapacity(SETTINGS, threshold(730));
    expect(r.probes.slice(0, 5).map((p) => [p.phase, p.rate])).toEqual([
      ['up', 100],
      ['up', 200],
      ['up', 400],
      ['up', 800],
      ['bisect', 600],
    ]);
  });

  it('halves down from a first rate that is not ok', async () => {
    const r = await searchCapacity(SETTINGS, threshold(30));
    expect(r.probes.slice(0, 4).map((p) => [p.phase, p.rate])).toEqual([
      ['up', 100],
      ['down', 50],
      ['down', 25],
      ['bisect', 37.5],
    ]);
    expect(r.end).toBe('found');
    expect(r.capacity!).toBeLessThanOrEqual(30);
    expect(r.capacity!).toBeGreaterThanOrEqual(30 / 1.05);
    expectSound(r, SETTINGS);
  });

  it('ends with no answer when no rate down to min is ok', async () => {
    const s = { ...SETTINGS, min: 10 };
    const r = await searchCapacity(s, () => Promise.resolve(finding(0, false)));
    expect(r.end).toBe('none-ok');
    expect(r.capacity).toBeNull();
    expect(r.probes.map((p) => p.rate)).toEqual([100, 50, 25, 12.5, 10]);
    expect(r.probes.every((p) => !p.ok)).toBe(true);
  });

  it('does not probe min when it lies within the precision below a rate already not ok', async () => {
    const r = await searchCapacity({ ...SETTINGS, from: 300, min: 4.6875 }, () => Promise.resolve(finding(0, false)));
    expect(r.end).toBe('none-ok');
    expect(r.probes.map((p) => p.rate)).toEqual([300, 150, 75, 37.5, 18.8, 9.4, 4.7]);
  });

  it('stops at max when every rate is ok, and says so', async () => {
    const s = { ...SETTINGS, max: 1000 };
    const r = await searchCapacity(s, threshold(Infinity));
    expect(r.end).toBe('at-max');
    expect(r.capacity).toBe(1000);
    expect(r.notOk).toBeNull();
    expect(r.probes.map((p) => p.rate)).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(r.confirmed).toBe(true);
  });

  it('believes an answer only once a second probe agrees: a lucky pass is searched below', async () => {
    // A noisy machine: ok up to 500/s, and 640/s passes once by luck, then fails.
    const passes = new Map<number, number>();
    const noisy = (rate: number): Promise<ProbeFinding> => {
      const n = (passes.get(rate) ?? 0) + 1;
      passes.set(rate, n);
      return Promise.resolve(finding(rate, rate <= 500 || (rate >= 600 && rate <= 700 && n === 1)));
    };
    const r = await searchCapacity({ ...SETTINGS, from: 400 }, noisy);
    expect(r.end).toBe('found');
    expect(r.confirmed).toBe(true);
    expect(r.capacity!).toBeLessThanOrEqual(500);
    // The refuted rate was probed twice, once each way, and counts as not ok.
    const refuted = r.probes.filter((p) => p.phase === 'confirm' && !p.ok);
    expect(refuted.length).toBeGreaterThan(0);
    for (const p of refuted) expect(r.probes.filter((q) => q.rate === p.rate).map((q) => q.ok)).toEqual([true, false]);
    expectSound(r, SETTINGS);
  });

  it('stops at the probe budget with the best ok rate so far, unconfirmed', async () => {
    const s = { ...SETTINGS, budget: 5 };
    const r = await searchCapacity(s, threshold(730));
    expect(r.end).toBe('budget');
    expect(r.probes).toHaveLength(5);
    expect(r.capacity).toBe(600);
    expect(r.notOk).toBe(800);
    expect(r.confirmed).toBe(false);
  });

  it('skips the second probe when confirmation is off', async () => {
    const r = await searchCapacity({ ...SETTINGS, confirm: false }, threshold(730));
    expect(r.end).toBe('found');
    expect(r.confirmed).toBe(false);
    expect(r.probes.some((p) => p.phase === 'confirm')).toBe(false);
    expect(new Set(r.probes.map((p) => p.rate)).size).toBe(r.probes.length);
  });

  it('stops before the next probe when asked, keeping what it found', async () => {
    let calls = 0;
    const r = await searchCapacity(
      SETTINGS,
      (rate) => {
        calls++;
        return Promise.resolve(finding(rate, true));
      },
      () => calls >= 3,
    );
    expect(r.end).toBe('stopped');
    expect(r.probes).toHaveLength(3);
    expect(r.capacity).toBe(400);
  });

  it('ends on a probe cut short without judging it', async () => {
    const r = await searchCapacity(SETTINGS, (rate) => Promise.resolve(rate > 300 ? null : finding(rate, true)));
    expect(r.end).toBe('stopped');
    expect(r.probes.map((p) => p.rate)).toEqual([100, 200]);
    expect(r.capacity).toBe(200);
  });

  it('passes on what a probe throws: a failed run is no verdict', async () => {
    await expect(searchCapacity(SETTINGS, () => Promise.reject(new Error('host died')))).rejects.toThrow('host died');
  });

  it('refuses settings out of bounds, naming each', async () => {
    expect(settingsProblems(SETTINGS)).toEqual([]);
    const bad = { from: 0, max: 2e6, min: 1, precision: 0, budget: 1.5, confirm: true };
    const problems = settingsProblems(bad);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['from', 'max', 'precision', 'probes']);
    expect(settingsProblems({ ...SETTINGS, from: 0.5 })[0]).toMatch(/^from: must lie between min and max/);
    await expect(searchCapacity(bad, threshold(1))).rejects.toThrow(/invalid search settings/);
  });
});

describe('roundRate', () => {
  it('keeps three significant digits', () => {
    expect([1234, 456.78, 37.55, 0.1234, 100, 99.96].map(roundRate)).toEqual([1230, 457, 37.6, 0.123, 100, 100]);
  });
});
