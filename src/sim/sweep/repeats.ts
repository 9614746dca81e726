// The seeds a sweep cell runs: repeat r runs the scenario's seed + r, so repeat 0 is the scenario
// itself and one repeat is the plain one-seed sweep. Every random stream is seeded by hashing the seed
// with its own name (run/setup.ts, bidders/decision.ts), so neighbouring seeds give unrelated draws.
// Pure.

import { DEFAULTS, type Scenario } from '../scenario/schema.js';
import type { Cell } from './cells.js';

/** The seed of repeat `r` (r ≥ 0): seed + r, or seed − r where seed + r would pass the largest safe integer. */
export function repeatSeed(seed: number, r: number): number {
  return seed + r <= Number.MAX_SAFE_INTEGER ? seed + r : seed - r;
}

/** The repeats a sweep runs: --repeats, else the file's, else the default for its mode. */
export function resolveRepeats(flag: number | undefined, base: Scenario, mode: Scenario['mode']): number {
  return flag ?? base.repeats ?? DEFAULTS.sweepRepeats[mode];
}

/** One run of a sweep: a cell under one seed. `index` orders the runs: cell by cell, repeat by repeat. */
export interface RunJob {
  index: number;
  cell: number;
  repeat: number;
  scenario: Scenario;
}

/** Every cell under every repeat's seed, cell-major, so a cell's repeats finish close together. */
export function repeatJobs(cells: readonly Cell[], repeats: number): RunJob[] {
  return cells.flatMap((c, i) =>
    Array.from({ length: repeats }, (_, r) => ({
      index: i * repeats + r,
      cell: c.index,
      repeat: r,
      scenario: { ...c.scenario, seed: repeatSeed(c.scenario.seed, r) },
    })),
  );
}
