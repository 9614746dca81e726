// Load that is not flat, run end to end: both runners schedule from the one generator
// (src/sim/run/arrivals.ts through setup.ts scheduleArrivals), so a virtual run has exactly the
// arrivals the schedule gives, a trace is replayed offset for offset in virtual time and live, and a
// bursty run's summary gives the process's long-run rate.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLive } from '../src/sim/run/live-runner.js';
import { scheduleArrivals } from '../src/sim/run/setup.js';
import { loadScenarioFile, type Scenario } from '../src/sim/scenario/scenario.js';
import { runVirtual } from '../src/sim/virtual/virtual-runner.js';
import { valid } from './helpers/scenarios.js';
import { removeTempDirs, run, tempDir, writeScenario } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rtb-arrivals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterAll(removeTempDirs);

const bidders = [{ name: 'dsp', count: 2, latency: { model: 'constant', ms: 3 } }];

function arrivals(s: Scenario): number[] {
  const schedule = scheduleArrivals(s);
  const out: number[] = [];
  for (let t = schedule.next(); t !== null; t = schedule.next()) out.push(t);
  return out;
}

/** A scenario file replaying `offsets` from a trace beside it. */
function traceScenario(offsets: number[], mode: 'live' | 'virtual'): Scenario {
  writeFileSync(join(dir, 'trace.txt'), `# offsets in ms\n${offsets.join('\n')}\n`);
  const path = join(dir, `trace-${mode}.json`);
  const load = { arrival: 'trace', trace: 'trace.txt', durationSec: 2, warmupSec: 0 };
  writeFileSync(path, JSON.stringify({ mode, load, auction: { tmaxMs: 30 }, bidders }));
  const r = loadScenarioFile(path);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

/** 120 offsets over 1.2 s in pairs, some tied (two arrivals in one millisecond), some 3.25 ms apart. */
const OFFSETS = Array.from({ length: 120 }, (_, i) => Math.floor(i / 2) * 20 + (i % 2) * (i % 3 === 0 ? 0 : 3.25));

describe('arrivals in a virtual run', () => {
  it('a bursty run submits exactly the schedule, at the long-run rate', () => {
    const s = valid({
      mode: 'virtual',
      load: {
        arrival: 'bursty',
        durationSec: 200,
        warmupSec: 0,
        bursty: { highRate: 900, lowRate: 100, highMeanSec: 0.5, lowMeanSec: 1.5 },
      },
      auction: { tmaxMs: 30 },
      bidders,
    });
    const times = arrivals(s);
    const { summary } = runVirtual(s);
    expect(summary.auctions.total).toBe(times.length);
    expect(summary.config.rate).toBe(300);
    // Var N(T) / E N(T) is about 1 + 2 r_H r_L Δλ² / (a³ λ̄) = 1 + 2·2·(2/3)·800² / (2.67³·300) ≈ 191 here.
    expect(Math.abs(times.length - 300 * 200)).toBeLessThan(4 * Math.sqrt(300 * 200 * 191));
  });

  it('a profiled run follows its multipliers slice by slice', () => {
    const s = valid({
      mode: 'virtual',
      load: { arrival: 'constant', rate: 100, durationSec: 4, warmupSec: 0, profile: [1, 3, 0.5, 2] },
      auction: { tmaxMs: 30 },
      bidders,
    });
    const { summary } = runVirtual(s);
    expect(summary.auctions.total).toBe(100 + 300 + 50 + 200);
    expect(summary.config.rate).toBeCloseTo(162.5, 9);
  });

  it('a trace is replayed offset for offset', () => {
    const s = traceScenario(OFFSETS, 'virtual');
    expect(arrivals(s)).toEqual(OFFSETS);
    const { summary } = runVirtual(s);
    expect(summary.auctions.total).toBe(OFFSETS.length);
    // The summary gives the duration to the millisecond.
    expect(summary.durationSec).toBeCloseTo((OFFSETS.at(-1) as number) / 1000, 3);
  });
});

describe('arrivals in a live run', () => {
  it('a trace is replayed: every offset one auction, the last at its offset', { timeout: 30_000 }, async () => {
    const s = traceScenario(OFFSETS, 'live');
    const { summary } = await runLive(s);
    expect(summary.auctions.total).toBe(OFFSETS.length);
    // Arrivals are scheduled (open loop): the measured stretch ends at the last offset, whatever the timers did.
    expect(summary.durationSec).toBeCloseTo((OFFSETS.at(-1) as number) / 1000, 3);
  });
});

describe('a bad trace from the command line', () => {
  const traced = {
    mode: 'virtual',
    load: { arrival: 'trace', trace: 'day.txt', durationSec: 1, warmupSec: 0 },
    bidders,
  };

  it(
    'sim: a missing, empty or decreasing trace exits 2 before anything runs, naming load.trace and the line',
    { timeout: 60_000 },
    async () => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const file = writeScenario(dir, 'traced', traced);
      const missing = await run('src/sim/cli/sim.ts', [file, '--out', out]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/load\.trace: .*day\.txt: no such file \[SCN_ERR_NO_FILE\]/);
      writeFileSync(join(dir, 'day.txt'), '# nothing yet\n');
      const empty = await run('src/sim/cli/sim.ts', [file, '--out', out]);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toMatch(/load\.trace: .*\[SCN_ERR_EMPTY\]/);
      writeFileSync(join(dir, 'day.txt'), '0\n10\n5\n');
      const down = await run('src/sim/cli/sim.ts', [file, '--out', out]);
      expect(down.status).toBe(2);
      expect(down.stderr).toMatch(/load\.trace: line 3 of .*\[SCN_ERR_ORDER\]/);
      expect(existsSync(out)).toBe(false);
    },
  );

  it('--set and a sweep axis that name a missing trace exit 2 too', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'day.txt'), '0\n10\n');
    const file = writeScenario(dir, 'traced', traced);
    const set = await run('src/sim/cli/sim.ts', [
      file,
      '--set',
      `load.trace=${join(dir, 'gone.txt')}`,
      '--out',
      join(dir, 'a'),
    ]);
    expect(set.status).toBe(2);
    expect(set.stderr).toMatch(/load\.trace: .*gone\.txt: no such file \[SCN_ERR_NO_FILE\]/);
    const swept = writeScenario(dir, 'swept', { ...traced, sweep: { 'load.trace': ['day.txt', 'gone.txt'] } });
    const sweep = await run('src/sim/cli/sweep.ts', [swept, '--out', join(dir, 'b')]);
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toMatch(/cell 1\n.*load\.trace: .*gone\.txt: no such file/);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });
});
