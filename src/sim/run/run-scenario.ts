// One entry for a run in either mode, so the CLI and the sweep workers dispatch in one place.
// Virtual runs are synchronous; their progress is reported per simulated second.

import { runLive, type RunOptions } from './live-runner.js';
import type { RunResult } from './result.js';
import type { Scenario } from '../scenario/schema.js';
import { runVirtual } from '../virtual/virtual-runner.js';

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  if (s.mode === 'virtual') return runVirtual(s, opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {});
  return runLive(s, opts);
}
