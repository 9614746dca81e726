import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateScenario, type Scenario } from '../scenario/scenario.js';
import type { Summary } from '../metrics/summary.js';
import { buildCells } from './cells.js';
import { paretoFrontier, recommend, type CellResult } from './recommend.js';
import { sweepHtml } from './sweep-html.js';
import { sweepReport } from './sweep-model.js';

function scenario(raw: Record<string, unknown>): Scenario {
  const r = validateScenario(raw);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

function cell(index: number, tmaxMs: number, leaves: number, revenue: number, p99: number, pass = true): CellResult {
  const summary = {
    config: { tmaxMs, leaves },
    revenue: { perThousand: revenue },
    latency: { auction: { p99 } },
    rates: { timeout: 0.01, fill: 0.9 },
    mode: 'virtual',
  } as unknown as Summary;
  return { index, values: [tmaxMs, leaves], summary, thresholds: [], pass };
}

describe('sweep cells', () => {
  it('builds every combination, the first axis slowest, each a validated scenario', () => {
    const base = scenario({ sweep: { 'auction.tmaxMs': [50, 100], 'bidders.0.count': [1, 2, 3] } });
    const built = buildCells(base, 'virtual');
    if (!built.ok) throw new Error('expected cells');
    expect(built.cells.map((c) => c.values)).toEqual([
      [50, 1],
      [50, 2],
      [50, 3],
      [100, 1],
      [100, 2],
      [100, 3],
    ]);
    expect(built.cells[4]!.scenario.auction.tmaxMs).toBe(100);
    expect(built.cells[4]!.scenario.bidders[0]).toMatchObject({ count: 2 });
    expect(built.cells.every((c) => c.scenario.mode === 'virtual' && c.scenario.sweep === null)).toBe(true);
  });

  it('names the cell and the field when a combination clashes', () => {
    const base = scenario({
      auction: { floor: 0.5, maxPrice: 100 },
      sweep: { 'auction.maxPrice': [20, 30], 'auction.floor': [1, 25] },
    });
    const built = buildCells(base, 'virtual');
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.issues[0]!.path).toContain('auction.maxPrice=20, auction.floor=25');
    expect(built.issues[0]!.path).toContain('auction.maxPrice');
  });
});

describe('recommendation', () => {
  it('takes the highest revenue among passing cells; ties to smaller tmax, then fewer bidders', () => {
    const r = recommend([
      cell(0, 100, 8, 2, 90),
      cell(1, 80, 16, 2, 80),
      cell(2, 80, 8, 2, 80),
      cell(3, 150, 8, 3, 140, false),
    ]);
    expect(r).toMatchObject({ found: true, index: 2 });
  });

  it('says plainly when no cell meets the thresholds', () => {
    const r = recommend([cell(0, 100, 8, 2, 90, false)]);
    expect(r.found).toBe(false);
    expect(r.reason).toMatch(/no cell meets the thresholds/);
  });

  it('puts on the Pareto frontier only cells no other beats on both latency and revenue', () => {
    expect(
      paretoFrontier([cell(0, 50, 4, 1, 50), cell(1, 60, 4, 0.9, 60), cell(2, 70, 4, 2, 70), cell(3, 80, 4, 2, 80)]),
    ).toEqual([0, 2]);
  });

  it('escapes every name in the HTML report', () => {
    const base = scenario({ name: 'x' });
    const axes = [{ path: 'a<script>alert(1)</script>', values: ['"<img>"', 2] }];
    const html = sweepHtml(
      sweepReport({ ...base, thresholds: { '<b>': '<1' } }, axes, [cell(0, 50, 4, 1, 50)], new Date(0), 1),
    );
    expect(html).not.toMatch(/<script>|<img>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt; &lt;1');
  });
});

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

  it('stops with exit 2 on a value of the wrong type', () => {
    const file = join(dir, 'type.json');
    writeFileSync(file, JSON.stringify({ name: 'type', sweep: { 'bidders.0.count': [2, 'many'] } }));
    const r = cli([file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('sweep["bidders.0.count"][1]');
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
    const r = cli([file, '--workers', '2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/RECOMMENDATION: cell \d/);
    const report = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      cells: unknown[];
      axes: unknown[];
      recommendation: { found: boolean };
    };
    expect(report.cells).toHaveLength(4);
    expect(report.axes).toHaveLength(2);
    expect(report.recommendation.found).toBe(true);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toContain('## Recommendation');
    expect(readFileSync(join(out, 'sweep.html'), 'utf8')).toContain('<svg');
  });
});
