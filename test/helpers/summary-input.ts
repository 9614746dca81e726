// What buildSummary needs besides the metrics, for tests that drive an exchange by hand: one second
// of a first-price run with no warm-up, no arrival rate and a quiet event loop.
import type { SummaryInput } from '../../src/sim/metrics/summary.js';

export function testSummaryInput(opts: {
  scenario: string;
  mode: SummaryInput['mode'];
  tmaxMs: number;
  floor: number;
  leaves: number;
}): SummaryInput {
  return {
    scenario: opts.scenario,
    seed: 1,
    mode: opts.mode,
    startedAt: new Date(0),
    durationSec: 1,
    partial: false,
    config: {
      rate: 0,
      arrival: 'constant',
      tmaxMs: opts.tmaxMs,
      allowanceMs: 5,
      type: 'first-price',
      floor: opts.floor,
      impressions: 1,
      leaves: opts.leaves,
      warmupSec: 0,
    },
    eventLoopDelay: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, count: 0 },
  };
}
