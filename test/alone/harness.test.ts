// The harness verdict on this machine, as a user meets it: `npm run sim` beside two CPU burners says
// the harness was degraded or invalid and why (and --strict exits 4 when invalid); the same run with
// nothing beside it is ok. This file runs in the `alone` project (vitest.config.ts), after every other
// test file and one file at a time, so the burners disturb no other test and the idle run sees no
// other test's load.

import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/sim/metrics/summary.js';
import { EXIT } from '../../src/sim/cli/exit-codes.js';
import { finish, removeTempDirs, start, tempDir, writeScenario } from '../helpers/cli.js';

/** A light live run: 200 auctions/s for 4 s to 8 leaves whose answers come well before tmax. */
const scenario = {
  name: 'harness-check',
  seed: 3,
  mode: 'live',
  load: { arrival: 'poisson', rate: 200, durationSec: 4, warmupSec: 1 },
  auction: { tmaxMs: 100, allowanceMs: 5 },
  bidders: [{ name: 'dsp', count: 8, latency: { model: 'lognormal', medianMs: 15, p99Ms: 40 } }],
};

const burners: ChildProcess[] = [];

/**
 * One process per core spinning on the CPU, killed after `ms` at the latest, and given a higher
 * priority than the run where the user may (root): Linux otherwise lets a process that sleeps and
 * wakes, as the exchange and the bidder host do, preempt a burner at once, so two burners on an idle
 * 2-core machine degrade a run by little (an overshoot p99 of 2.68 ms, measured). At priority -10
 * they take the cores the run needs, as a busy neighbour would.
 */
function burn(ms: number): void {
  const n = Math.max(2, availableParallelism());
  for (let i = 0; i < n; i++) {
    const b = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], {
      stdio: 'ignore',
    });
    burners.push(b);
    try {
      if (b.pid !== undefined) setPriority(b.pid, -10);
    } catch {
      // Not root: the burners run at the run's priority, which still degrades it on a 2-core machine.
    }
  }
}

afterEach(() => {
  for (const b of burners.splice(0)) b.kill('SIGKILL');
});
afterAll(removeTempDirs);

/** The machine's CPU counters (the `cpu` line of /proc/stat), or null off Linux. */
function cpuTimes(): number[] | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return cpu.length >= 4 ? cpu : null;
  } catch {
    return null;
  }
}

/** The share of all cores' time the machine spent busy between two readings of cpuTimes(). */
function busyBetween(a: number[] | null, b: number[] | null): number | null {
  if (a === null || b === null) return null;
  const d = b.map((v, i) => v - (a[i] ?? 0));
  const total = d.reduce((t, v) => t + v, 0);
  const idle = (d[3] ?? 0) + (d[4] ?? 0); // idle + iowait
  return total > 0 ? (total - idle) / total : null;
}

/** The share of all cores' time the machine spent busy over `ms`. */
async function busyShare(ms: number): Promise<number | null> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  return busyBetween(a, cpuTimes());
}

/**
 * Wait (up to 30 s) for the machine to be quiet: under 15% of its CPU busy over 2 s. The tests of the
 * main project have just finished and their workers take a moment to go; something else may be
 * running on a shared machine. Returns the last share measured.
 */
async function quiet(): Promise<number | null> {
  let share = await busyShare(2000);
  for (let i = 0; i < 14 && share !== null && share > 0.15; i++) share = await busyShare(2000);
  return share;
}

async function sim(args: string[]): Promise<{ status: number | null; stderr: string; summary: Summary }> {
  const dir = tempDir();
  const file = writeScenario(dir, 'harness', scenario);
  const out = join(dir, 'out');
  const r = await finish(start('src/sim/cli/sim.ts', [file, '--out', out, ...args]), 50_000);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  return { status: r.status, stderr: r.stderr, summary };
}

describe('the harness verdict of a live run', () => {
  it('is degraded or invalid beside CPU burners, with a reason naming the cause', async () => {
    burn(40_000);
    const r = await sim(['--strict']);
    const h = r.summary.harness!;
    expect(h.verdict, JSON.stringify(h.checks)).not.toBe('ok');
    expect(h.reasons.length).toBeGreaterThan(0);
    // Each reason names the figure and the cause, and the terminal warned before the table.
    for (const reason of h.reasons) {
      expect(reason).toMatch(/overshoot|event-loop delay|utilisation|timer lateness|measured minus applied/);
      expect(reason).toMatch(/above the (degraded|invalid) limit of/);
    }
    expect(r.stderr).toMatch(new RegExp(`^WARNING: harness ${h.verdict}: `, 'm'));
    expect(h.polluted.length).toBeGreaterThan(0);
    expect(h.advice.length).toBeGreaterThan(0);
    // --strict: an invalid harness exits 4 after writing the report; a degraded one keeps the gate's status.
    if (h.verdict === 'invalid') expect(r.status).toBe(EXIT.harnessInvalid);
    else expect([EXIT.ok, EXIT.checkFailed]).toContain(r.status);
  }, 60_000);

  it('is ok with nothing beside it, every figure inside its limit', async (ctx) => {
    // Nothing of this suite runs beside it, but the machine may be busy with something else: an idle
    // verdict needs an idle machine, so the test waits for one, and says so and skips when there is
    // none (a test that judges the machine cannot pass on a machine someone else is using). Then one
    // run of three that is ok shows the verdict can be ok; a limit below what an idle machine does
    // (a verdict stuck on degraded) fails all three.
    const share = await quiet();
    if (share !== null && share > 0.15) {
      console.warn(`skipped: the machine stayed busy (${Math.round(share * 100)}% of its CPU) for 30 s`);
      ctx.skip();
    }
    // A run uses about a third of a 2-core machine (the exchange, the host, tsx starting); one during
    // which the machine was busier than 60% had company, and does not count.
    let r: Awaited<ReturnType<typeof sim>> | null = null;
    let disturbed = 0;
    for (let i = 0; i < 3; i++) {
      const before = cpuTimes();
      const run = await sim([]);
      const busy = busyBetween(before, cpuTimes());
      if (busy !== null && busy > 0.6 && run.summary.harness!.verdict !== 'ok') {
        disturbed++;
        continue;
      }
      r = run;
      if (run.summary.harness!.verdict === 'ok') break;
    }
    if (r === null) {
      console.warn(`skipped: the machine was busy beside each of the ${disturbed} runs`);
      ctx.skip();
      return;
    }
    const h = r.summary.harness!;
    expect(h.verdict, h.reasons.join('\n')).toBe('ok');
    expect(h.reasons).toEqual([]);
    expect(r.stderr).not.toMatch(/WARNING: harness/);
    expect(r.status).toBe(EXIT.ok);
    // Both processes were measured, and the bidder host's delays were compared with the exchange's.
    expect(h.processes.map((p) => p.role)).toEqual(['exchange', 'bidder-host']);
    expect(h.processes[0]!.cpuSec).toBeGreaterThan(0);
    expect(h.groups['dsp']!.p50).not.toBeNull();
    expect(h.hostLateness!.count).toBeGreaterThan(0);
  }, 130_000);
});
