import { describe, expect, it } from 'vitest';
import { validateScenario, type Scenario } from '../scenario/scenario.js';
import { probeScenario } from './probe-scenario.js';

function scenario(raw: unknown): Scenario {
  const r = validateScenario(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

describe('probeScenario', () => {
  const base = scenario({
    name: 'v',
    mode: 'virtual',
    seed: 3,
    load: { rate: 100, auctions: 5000, warmupSec: 2 },
    thresholds: { 'rates.timeout': '<0.01' },
    sweep: { 'auction.tmaxMs': [50, 100] },
  });

  it('runs the scenario live at the rate, for the warm-up and the measured seconds, without gates', () => {
    const r = probeScenario(base, { rate: 750, warmupSec: 0.5, probeSec: 3, seed: 9 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.mode).toBe('live');
    expect(r.scenario.seed).toBe(9);
    expect(r.scenario.load).toMatchObject({ rate: 750, durationSec: 3.5, auctions: null, warmupSec: 0.5 });
    expect(r.scenario.thresholds).toEqual({});
    expect(r.scenario.sweep).toBeNull();
    expect(r.scenario.bidders).toEqual(base.bidders);
    // The user's scenario is left as it was.
    expect(base.mode).toBe('virtual');
    expect(base.load.auctions).toBe(5000);
  });

  it('refuses a probe the validator would refuse, naming the field', () => {
    const r = probeScenario(base, { rate: -1, warmupSec: 1, probeSec: 3, seed: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.path, i.code])).toEqual([['load.rate', 'SCN_ERR_OUT_OF_RANGE']]);
  });
});
