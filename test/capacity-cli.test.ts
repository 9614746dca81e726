// npm run capacity as a user runs it: real live probes on loopback, kept short by small bounds. What a
// probe's harness says depends on how busy this machine is, so the assertions are the search's
// facts, which hold whatever the verdicts: the answer is a rate judged ok, every rate above it that
// was probed was judged not ok at least once, the probes keep to the bounds and the budget, and the
// exit status follows the answer.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityReport } from '../src/sim/capacity/capacity-model.js';
import { EXIT } from '../src/sim/cli/exit-codes.js';
import { finish, removeTempDirs, run, start, tempDir, waitForOutput, writeScenario } from './helpers/cli.js';

afterAll(removeTempDirs);

const tiny = {
  name: 'tiny',
  // Virtual in the file: capacity runs it live all the same.
  mode: 'virtual',
  load: { rate: 40 },
  auction: { tmaxMs: 50 },
  bidders: [{ name: 'dsp', count: 2, latency: { model: 'constant', ms: 2 } }],
};

const SHORT = ['--probe-sec', '1', '--warmup', '0.2'];

function readReport(dir: string): CapacityReport {
  return JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
}

describe('npm run capacity', () => {
  it('searches with live probes within its bounds and budget, and answers with a rate judged ok', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const file = writeScenario(dir, 'tiny', tiny);
    const args = [file, ...SHORT, '--from', '40', '--max', '160', '--min', '10', '--probes', '4', '--out', out];
    const r = await run('src/sim/cli/capacity.ts', args, 60_000);
    expect(r.stderr).toBe('');
    const report = readReport(out);
    expect(r.status).toBe(report.capacity === null ? EXIT.checkFailed : EXIT.ok);
    expect(r.stdout).toContain('(the scenario is virtual; capacity is a live property, so it runs live)');
    expect(r.stdout).toContain(`\n${report.answer}\n`);
    expect(readFileSync(join(out, 'capacity.md'), 'utf8')).toContain(report.answer);
    expect(report).toMatchObject({ scenario: 'tiny', scenarioMode: 'virtual', file });
    expect(report.settings).toMatchObject({ from: 40, max: 160, min: 10, budget: 4, probeSec: 1, warmupSec: 0.2 });

    const { probes } = report;
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.length).toBeLessThanOrEqual(4);
    expect(probes[0]!.rate).toBe(40);
    for (const p of probes) {
      expect(p.rate).toBeGreaterThanOrEqual(10);
      expect(p.rate).toBeLessThanOrEqual(160);
      expect(p.ok).toBe(p.verdict === 'ok');
      expect(p.ok || p.reasons.length > 0).toBe(true);
      // Real live runs: each probe measured auctions and its processes' load.
      expect(p.auctions).toBeGreaterThan(0);
      expect(p.exchangeUtilisation).toBeGreaterThan(0);
      expect(p.exchangeUtilisation).toBeLessThanOrEqual(1);
      expect(p.timeoutRate).toBeGreaterThanOrEqual(0);
      expect(r.stdout).toContain(`probe ${p.n} at ${p.rate}/s: ${p.verdict}`);
    }
    if (report.capacity !== null) {
      const at = probes.filter((p) => p.rate === report.capacity);
      expect(at.length).toBeGreaterThan(0);
      expect(at.every((p) => p.ok)).toBe(true);
      for (const p of probes.filter((q) => q.rate > report.capacity!))
        expect(probes.some((q) => q.rate === p.rate && !q.ok)).toBe(true);
      if (report.notOk === null) expect(report.capacity).toBe(160);
    } else {
      expect(probes.every((p) => !p.ok)).toBe(true);
    }
  }, 70_000);

  it('stops after the probe in flight on SIGINT, writing the probes it has (exit 130)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const file = writeScenario(dir, 'tiny', tiny);
    const child = start('src/sim/cli/capacity.ts', [file, ...SHORT, '--probes', '10', '--out', out]);
    await waitForOutput(child, /^probe 1 at /m, 30_000);
    child.kill('SIGINT');
    const r = await finish(child, 30_000);
    expect(r.status).toBe(EXIT.sigint);
    const report = readReport(out);
    expect(report.end).toBe('stopped');
    expect(report.probes.length).toBeGreaterThanOrEqual(1);
    expect(report.probes.length).toBeLessThan(10);
  }, 70_000);

  it.each([
    [['--probes', '0'], '--probes: must be an integer from 1 to 100 (got "0")'],
    [['--probe-sec', '600'], '--probe-sec: must be a number from 1 to 60 (got "600")'],
    [['--precision', 'fine'], '--precision: must be a number from 0.005 to 1 (got "fine")'],
    [['--from', '500', '--max', '100'], '--from: must lie between min and max (min 7.8125, from 500, max 100)'],
    [['--seed', '-1'], '--seed: must be an integer from 0 to 4294967295 (got "-1")'],
  ])('refuses %j before probing (exit 2), naming the flag', async (flags, message) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await run('src/sim/cli/capacity.ts', [writeScenario(dir, 'tiny', tiny), ...flags, '--out', out]);
    expect(r.status).toBe(EXIT.badInput);
    expect(r.stderr.trim()).toBe(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an invalid scenario and a report folder it cannot make, naming each (exit 2)', async () => {
    const dir = tempDir();
    const bad = await run('src/sim/cli/capacity.ts', [writeScenario(dir, 'bad', { ...tiny, load: { rate: -5 } })]);
    expect(bad.status).toBe(EXIT.badInput);
    expect(bad.stderr).toMatch(/load\.rate: .*\[SCN_ERR_OUT_OF_RANGE\]/);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const r = await run('src/sim/cli/capacity.ts', [writeScenario(dir, 'tiny', tiny), '--out', join(blocker, 'x')]);
    expect(r.status).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/^--out: /);
    expect(r.stdout).toBe('');
  });
});
