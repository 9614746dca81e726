// One entry for a run in either mode, so the CLI and the sweep workers dispatch in one place.
// A virtual run reports its progress per simulated second, gives the event loop a turn at least every
// 100 ms of wall time, and honours `signal` as a live run does: arrivals stop and the run is partial.

import { runLive, type RunOptions } from './live-runner.js';
import type { RunResult } from './result.js';
import type { Scenario } from '../scenario/schema.js';
import { runVirtualAsync, type VirtualAsyncOptions } from '../virtual/virtual-runner.js';

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  if (s.mode === 'virtual') {
    const virtual: VirtualAsyncOptions = {};
    if (opts.onProgress !== undefined) virtual.onProgress = opts.onProgress;
    if (opts.signal !== undefined) virtual.signal = opts.signal;
    if (opts.segment !== undefined) virtual.segment = opts.segment;
    return runVirtualAsync(s, virtual);
  }
  return runLive(s, opts);
}
