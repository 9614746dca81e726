// Recorded requests through a whole run (issue 17 item 5), virtual and live on loopback: the auction
// honours each request's own floors, impression by impression, and every request is answered.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLive } from '../src/sim/run/live-runner.js';
import { loadScenarioFile, type Scenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import type { Summary } from '../src/sim/metrics/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'recorded-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Three requests; every leaf bids 1.5 on every impression. A: two impressions, floors 0 and 1 (both
 * sell). B: one at floor 50 (never sells). C: three, floors 1.4, 1.6 and none (two sell).
 */
const REQUESTS = [
  {
    imp: [
      { id: '1', banner: { format: [{ w: 300, h: 250 }] } },
      { id: '2', bidfloor: 1, banner: { w: 728, h: 90 } },
    ],
  },
  {
    imp: [{ id: 'x', bidfloor: 50, banner: { w: 320, h: 50 } }],
    site: { id: 's', domain: 'a.example', page: 'https://a.example/' },
  },
  {
    imp: [{ id: 'a', bidfloor: 1.4 }, { id: 'b', bidfloor: 1.6 }, { id: 'c' }],
    app: { id: 'p', bundle: 'com.example' },
  },
];
const SOLD_PER_CYCLE = 2 + 0 + 2;
const LEAVES = 2;

function scenario(mode: 'virtual' | 'live', auctions: number, order: 'sequential' | 'sample'): Scenario {
  writeFileSync(join(dir, 'requests.jsonl'), `${REQUESTS.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const path = join(dir, `${mode}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      mode,
      seed: 3,
      load: { arrival: 'constant', rate: mode === 'live' ? 200 : 1000, auctions, warmupSec: 0 },
      // A deadline no answer misses, even on a loaded machine: every bid is judged against its floor.
      auction: { type: 'first-price', tmaxMs: 2000, floor: 0.1, impressions: 5 },
      bidders: [
        {
          name: 'dsp',
          count: LEAVES,
          latency: { model: 'constant', ms: 1 },
          bid: { rate: 1, price: { model: 'constant', value: 1.5 } },
        },
      ],
      requests: { file: 'requests.jsonl', order },
    }),
  );
  const r = loadScenarioFile(path);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

/** What sequential order gives for `auctions` auctions: A, B, C, A, B, C, … */
function expectSequential(summary: Summary, auctions: number): void {
  const cycles = auctions / REQUESTS.length;
  expect(summary.bids.sent).toBe(auctions * LEAVES);
  expect(summary.bids.onTime).toBe(auctions * LEAVES);
  expect(summary.revenue.impressionsSold).toBe(cycles * SOLD_PER_CYCLE);
  // Every B auction goes unsold; A and C sell at least one impression each.
  expect(summary.auctions.filled).toBe(2 * cycles);
  expect(summary.auctions.unfilled).toBe(cycles);
  // First price at the bid: 1.5 CPM an impression, whatever the scenario's own floor says.
  expect(summary.revenue.total).toBeCloseTo((cycles * SOLD_PER_CYCLE * 1.5) / 1000, 9);
}

describe('recorded requests in a run', () => {
  it('virtual, in file order: each request keeps its impressions and its floors', () => {
    expectSequential(runVirtual(scenario('virtual', 3000, 'sequential')).summary, 3000);
  });

  it('virtual, sampled: impressions sold follow the draws, the same for the same seed', () => {
    const a = runVirtual(scenario('virtual', 3000, 'sample')).summary;
    const b = runVirtual(scenario('virtual', 3000, 'sample')).summary;
    expect(b.revenue).toEqual(a.revenue);
    // Each auction sells 2 (A or C) or 0 (B) impressions; B is drawn a third of the time.
    const unsold = a.auctions.unfilled;
    expect(a.revenue.impressionsSold).toBe(2 * (3000 - unsold));
    expect(Math.abs(unsold / 3000 - 1 / 3)).toBeLessThan(4 * Math.sqrt(((1 / 3) * (2 / 3)) / 3000));
  });

  it('live on loopback: the bidder host accepts every recorded request and the floors hold', async () => {
    const { summary, hostStats } = await runLive(scenario('live', 300, 'sequential'));
    expect(hostStats.reduce((n, h) => n + h.requests, 0)).toBe(300 * LEAVES);
    expectSequential(summary, 300);
  }, 60_000);
});
