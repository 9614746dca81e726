// The scenario one capacity probe runs: the user's, live, at the probe's rate, for a short warm-up
// and measured stretch, with the search's seed. Thresholds are dropped (the harness verdict is the
// only judge of a probe) and so is the sweep. Validated like any override, so a probe that could not
// run is refused before the first one starts.

import { applySettings } from '../scenario/settings.js';
import type { Scenario, ScenarioResult } from '../scenario/scenario.js';

export interface ProbeShape {
  rate: number;
  warmupSec: number;
  probeSec: number;
  seed: number;
}

export function probeScenario(s: Scenario, p: ProbeShape): ScenarioResult {
  // The sweep is no field --set may write; a probe runs the scenario itself, never its cells.
  return applySettings({ ...s, sweep: null }, [
    { path: 'mode', value: 'live' },
    { path: 'seed', value: p.seed },
    { path: 'load.rate', value: p.rate },
    { path: 'load.durationSec', value: p.warmupSec + p.probeSec },
    { path: 'load.auctions', value: null },
    { path: 'load.warmupSec', value: p.warmupSec },
    { path: 'thresholds', value: {} },
  ]);
}
