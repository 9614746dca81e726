// npm run sweep as a user runs it: a real process, worker processes under it, the files it writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('npm run sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/sim/cli/sweep.ts', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('stops before any cell runs, naming the path, when an axis names no field (exit 2)', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', sweep: { 'auction.tmaxMS': [50, 100] } }));
    const out = join(dir, 'bad-out');
    const r = cli([file, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sweep["auction.tmaxMS"]');
    expect(r.stderr).toContain('auction.tmaxMs');
    expect(existsSync(out)).toBe(false);
  });

  it('stops with exit 2 when a threshold names a leaf that only some cells have', () => {
    const file = join(dir, 'leaf.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'leaf',
        bidders: [{ name: 'dsp', count: 8 }],
        thresholds: { 'bidders.dsp-5.timeoutRate': '<0.5' },
        sweep: { 'bidders.0.count': [4, 8] },
      }),
    );
    const out = join(dir, 'leaf-out');
    const r = cli([file, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('invalid thresholds for cell 0');
    expect(r.stderr).toContain('thresholds["bidders.dsp-5.timeoutRate"]');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a --set on a swept field, which every cell would overwrite (exit 2)', () => {
    const file = join(dir, 'axis.json');
    writeFileSync(file, JSON.stringify({ name: 'axis', sweep: { 'auction.tmaxMs': [50, 100] } }));
    const r = cli([
      file,
      '--set',
      'auction.tmaxMs=55',
      '--set',
      'auction={"tmaxMs":5}',
      '--out',
      join(dir, 'axis-out'),
    ]);
    expect(r.status).toBe(2);
    // The axis itself, and a parent that holds it, are both refused.
    expect(r.stderr).toContain('--set auction.tmaxMs: overlaps the sweep axis auction.tmaxMs');
    expect(r.stderr).toContain(
      '--set auction: overlaps the sweep axis auction.tmaxMs, which every cell sets [SCN_ERR_CONFLICT]',
    );
    expect(existsSync(join(dir, 'axis-out'))).toBe(false);
  });

  it('stops with exit 2 on a value of the wrong type', () => {
    const file = join(dir, 'type.json');
    writeFileSync(file, JSON.stringify({ name: 'type', sweep: { 'bidders.0.count': [2, 'many'] } }));
    const r = cli([file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sweep["bidders.0.count"][1]');
  });

  it('refuses a --repeats outside 1 to 100, naming the flag (exit 2)', () => {
    const file = join(dir, 'rep.json');
    writeFileSync(file, JSON.stringify({ name: 'rep', sweep: { 'auction.tmaxMs': [50, 100] } }));
    for (const bad of ['0', '101', '2.5', 'many']) {
      const r = cli([file, '--repeats', bad, '--out', join(dir, 'rep-out')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('--repeats: must be an integer from 1 to 100');
    }
    expect(existsSync(join(dir, 'rep-out'))).toBe(false);
  });

  it('runs every cell in worker processes and writes sweep.json, sweep.md and sweep.html with a recommendation', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'ok',
        load: { rate: 500, auctions: 400, warmupSec: 0 },
        thresholds: { 'rates.timeout': '<0.5' },
        sweep: { 'auction.tmaxMs': [40, 80], 'bidders.0.count': [2, 4] },
      }),
    );
    const out = join(dir, 'ok-out');
    const r = cli([file, '--workers', '2', '--repeats', '2', '--set', 'auction.floor=0.2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/RECOMMENDATION: cell \d/);
    const report = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      cells: unknown[];
      axes: unknown[];
      repeats: number;
      seeds: number[];
      objective: { tolerance: number; costs: boolean };
      recommendation: { found: boolean; why: string };
      tool: { version: string };
    };
    expect(report.cells).toHaveLength(4);
    expect(report.axes).toHaveLength(2);
    expect(report.recommendation.found).toBe(true);
    // --set reached every cell, and the folder says what ran and which tool ran it.
    const resolved = JSON.parse(readFileSync(join(out, 'scenario.resolved.json'), 'utf8')) as {
      auction: { floor: number };
      mode: string;
      sweep: Record<string, unknown[]>;
      repeats: number;
      objective: { tolerance: number };
    };
    // Running the resolved scenario again repeats the sweep: repeats and objective are written out.
    expect(resolved.repeats).toBe(2);
    expect(resolved.objective.tolerance).toBe(0.01);
    expect(resolved.auction.floor).toBe(0.2);
    expect(resolved.mode).toBe('virtual');
    expect(Object.keys(resolved.sweep)).toEqual(['auction.tmaxMs', 'bidders.0.count']);
    const cells = report.cells as {
      summary: { config: { floor: number }; seed: number };
      repeats: { seed: number; config: { floor: number } }[];
      figures: { revenuePerThousand: { mean: number; lo: number; hi: number } };
    }[];
    expect(cells.every((c) => c.summary.config.floor === 0.2)).toBe(true);
    // Two seeds per cell, repeat 0 the scenario's own; the revenue is their mean with its interval.
    expect(report.repeats).toBe(2);
    expect(report.seeds).toEqual([1, 2]);
    expect(cells.every((c) => c.repeats.map((s) => s.seed).join() === '1,2' && c.summary.seed === 1)).toBe(true);
    expect(cells.every((c) => c.repeats.every((s) => s.config.floor === 0.2))).toBe(true);
    const f = cells[0]!.figures.revenuePerThousand;
    expect(f.lo).toBeLessThanOrEqual(f.mean);
    expect(f.hi).toBeGreaterThanOrEqual(f.mean);
    expect(report.objective).toMatchObject({ tolerance: 0.01, costs: false });
    expect(r.stdout).toContain(report.recommendation.why);
    expect(report.tool.version).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    const md = readFileSync(join(out, 'sweep.md'), 'utf8');
    expect(md).toContain('## Recommendation');
    expect(md).toContain(report.recommendation.why);
    expect(md).toContain('Objective: the knee, within 1% of the best revenue');
    expect(readFileSync(join(out, 'sweep.html'), 'utf8')).toContain('<svg');
  });
});
