// The timing effect of a flooding neighbour (issue 15 item 9): four good leaves and one that never
// answers (which holds every auction to its deadline, so each auction's overshoot is measured),
// with and without a sixth leaf that floods the exchange with frames from connection on (cut off as
// `flood` since ws-pool.ts counts frames per request, and redialled with backoff). The arms
// alternate, in the same run, through the live runner a user's `npm run sim` uses.

import { runLive } from '../src/sim/run/live-runner.js';
import { formatIssues, validateScenario, type Scenario } from '../src/sim/scenario/scenario.js';
import type { Row } from './cases.js';

const FLOOD_RATE = 20_000;

function scenario(flood: boolean, sec: number): Scenario {
  const good = { name: 'good', count: 4, latency: { model: 'constant', ms: 5 }, bid: { rate: 1 } };
  const silent = { name: 'silent', faults: { timeout: 1 } };
  const flooder = { name: 'flooder', hostile: { mode: 'flood', rate: FLOOD_RATE } };
  const r = validateScenario({
    name: 'bench-flood',
    seed: 1,
    mode: 'live',
    load: { arrival: 'poisson', rate: 100, durationSec: sec + 1, warmupSec: 1 },
    auction: { tmaxMs: 50, allowanceMs: 5 },
    bidders: flood ? [good, silent, flooder] : [good, silent],
  });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.scenario;
}

/** Overshoot p99 beside a flooding leaf against beside a silent one, `rounds` of each, alternating. */
export async function floodNeighbour(quick: boolean): Promise<Row> {
  const sec = quick ? 2 : 4;
  const rounds = quick ? 1 : 2;
  const p99 = { flood: [] as number[], silent: [] as number[] };
  let cut = 0;
  let strays = 0;
  for (let r = 0; r < rounds; r++) {
    for (const flood of [false, true]) {
      const run = await runLive(scenario(flood, sec));
      const s = run.summary;
      (flood ? p99.flood : p99.silent).push(s.latency.overshoot.p99);
      if (flood) {
        const f = s.bidders['flooder-1']!;
        cut += f.invalidReasons['flood'] ?? 0;
        strays += f.stray;
      }
    }
  }
  const worst = (xs: number[]): number => Math.max(...xs);
  const withFlood = worst(p99.flood);
  const without = worst(p99.silent);
  const ratio = Math.round((withFlood - without) * 1000) / 1000;
  return {
    case: 'overshoot beside a flooding leaf',
    figures: {
      'flood frames/s': FLOOD_RATE,
      'rate/s': 100,
      'overshoot p99 ms beside a flooder, per round': p99.flood.join(' / '),
      'overshoot p99 ms beside a silent leaf, per round': p99.silent.join(' / '),
      'flooder cut off (times)': cut,
      'flooder frames read (strays)': strays,
    },
    ratio,
    target: 'worst p99 beside a flooder <= worst beside a silent leaf + 1 ms',
    pass: ratio <= 1,
  };
}
