import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS, loadScenarioFile } from './scenario.js';
import { parseTrace } from './trace-file.js';
import { meanRate, peakRate } from './load-rates.js';
import { applySettings } from './settings.js';
import { buildCells } from '../sweep/cells.js';
import { codes, valid } from '../../../test/helpers/scenarios.js';

const bursty = { highRate: 2000, lowRate: 200, highMeanSec: 0.5, lowMeanSec: 2 };
const dir = mkdtempSync(join(tmpdir(), 'rtb-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a scenario and its trace side by side; returns the scenario's path. */
function withTrace(trace: string | null, load: Record<string, unknown> = {}, name = 'day'): string {
  if (trace !== null) writeFileSync(join(dir, `${name}.txt`), trace);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ load: { arrival: 'trace', trace: `${name}.txt`, ...load } }));
  return path;
}

function fileCodes(path: string): { path: string; code: string; message: string }[] {
  const r = loadScenarioFile(path);
  if (r.ok) throw new Error('expected issues, got a valid scenario');
  return r.issues.map(({ path: p, code, message }) => ({ path: p, code, message }));
}

describe('load.bursty', () => {
  it('needs all four fields with arrival bursty, each a positive rate or time', () => {
    expect(codes({ load: { arrival: 'bursty' } })).toEqual([{ path: 'load.bursty', code: 'SCN_ERR_MISSING' }]);
    expect(codes({ load: { arrival: 'bursty', bursty: { highRate: 10 } } })).toEqual([
      { path: 'load.bursty.lowRate', code: 'SCN_ERR_MISSING' },
      { path: 'load.bursty.highMeanSec', code: 'SCN_ERR_MISSING' },
      { path: 'load.bursty.lowMeanSec', code: 'SCN_ERR_MISSING' },
    ]);
    expect(codes({ load: { arrival: 'bursty', bursty: { ...bursty, lowRate: 0, highMeanSec: -1 } } })).toEqual([
      { path: 'load.bursty.lowRate', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'load.bursty.highMeanSec', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ load: { arrival: 'bursty', bursty: { ...bursty, highRate: 1e6 } } })).toEqual([
      { path: 'load.bursty.highRate', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ load: { arrival: 'bursty', bursty: { ...bursty, peak: 1 } } })).toEqual([
      { path: 'load.bursty.peak', code: 'SCN_ERR_UNKNOWN_KEY' },
    ]);
    expect(codes({ load: { arrival: 'bursty', bursty: 5 } })).toEqual([
      { path: 'load.bursty', code: 'SCN_ERR_WRONG_TYPE' },
    ]);
  });

  it('plans the run at its long-run rate and the requests in flight at its high rate', () => {
    const s = valid({ load: { arrival: 'bursty', bursty, durationSec: null, auctions: 1000, warmupSec: 0 } });
    expect(meanRate(s.load)).toBeCloseTo((2000 * 0.5 + 200 * 2) / 2.5, 9);
    expect(peakRate(s.load)).toBe(2000);
    // 2000/s × 200 ms × 10,000 leaves passes 2,000,000 in flight although the mean rate (560/s) would not.
    expect(
      codes({ load: { arrival: 'bursty', bursty }, auction: { tmaxMs: 200 }, bidders: [{ name: 'a', count: 10_000 }] }),
    ).toEqual([{ path: 'load.rate', code: 'SCN_ERR_TOO_LARGE' }]);
    // A warm-up as long as auctions / the mean rate leaves nothing measured.
    expect(codes({ load: { arrival: 'bursty', bursty, durationSec: null, auctions: 560, warmupSec: 1 } })).toEqual([
      { path: 'load.warmupSec', code: 'SCN_ERR_ORDER' },
    ]);
  });

  it('works as a sweep axis, field by field', () => {
    const s = valid({ load: { arrival: 'bursty', bursty }, sweep: { 'load.bursty.highRate': [1000, 3000] } });
    const built = buildCells(s, 'virtual');
    expect(built.ok && built.cells.map((c) => c.scenario.load.bursty?.highRate)).toEqual([1000, 3000]);
    expect(built.ok && built.cells.map((c) => peakRate(c.scenario.load))).toEqual([1000, 3000]);
  });

  it('is kept unused under another arrival, so a sweep can switch load.arrival', () => {
    const s = valid({ load: { bursty }, sweep: { 'load.arrival': ['poisson', 'bursty'] } });
    expect(s.load.bursty).toEqual(bursty);
    expect(meanRate(s.load)).toBe(200);
  });
});

describe('load.profile', () => {
  it('is a non-empty list of positive multipliers, each named by its index', () => {
    expect(codes({ load: { profile: [1, 2, -1, 0] } })).toEqual([
      { path: 'load.profile[2]', code: 'SCN_ERR_OUT_OF_RANGE' },
      { path: 'load.profile[3]', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ load: { profile: [1, 'x'] } })).toEqual([{ path: 'load.profile[1]', code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(codes({ load: { profile: [] } })).toEqual([{ path: 'load.profile', code: 'SCN_ERR_EMPTY' }]);
    expect(codes({ load: { profile: 2 } })).toEqual([{ path: 'load.profile', code: 'SCN_ERR_WRONG_TYPE' }]);
  });

  it('has its limits: slices, each multiplier, and the peak rate it makes', () => {
    const slices = new Array<number>(LIMITS.profileSlices + 1).fill(1);
    expect(codes({ load: { profile: slices } })).toEqual([{ path: 'load.profile', code: 'SCN_ERR_TOO_LARGE' }]);
    expect(codes({ load: { profile: [1, LIMITS.profileMultiplier + 1] } })).toEqual([
      { path: 'load.profile[1]', code: 'SCN_ERR_OUT_OF_RANGE' },
    ]);
    expect(codes({ load: { rate: 50_000, profile: [1, 3] }, bidders: [{ name: 'a' }] })).toEqual([
      { path: 'load.profile', code: 'SCN_ERR_TOO_LARGE' },
    ]);
  });

  it('needs a duration to slice, and does not shape a trace', () => {
    expect(codes({ load: { profile: [1, 2], durationSec: null, auctions: 100, warmupSec: 0 } })).toEqual([
      { path: 'load.profile', code: 'SCN_ERR_CONFLICT' },
    ]);
    expect(codes({ load: { arrival: 'trace', trace: 'x.txt', profile: [1, 2] } })).toEqual([
      { path: 'load.profile', code: 'SCN_ERR_CONFLICT' },
    ]);
  });

  it('plans the run at the mean multiplier', () => {
    const s = valid({ load: { rate: 100, profile: [0.5, 1.5, 4] } });
    expect(meanRate(s.load)).toBeCloseTo(200, 9);
    expect(peakRate(s.load)).toBe(400);
  });

  it('works as a sweep axis and through --set', () => {
    const s = valid({ load: { rate: 100 }, sweep: { 'load.profile': [null, [1, 2]] } });
    expect(s.sweep?.['load.profile']).toEqual([null, [1, 2]]);
    const set = applySettings(s, [{ path: 'load.profile', value: [2, 0] }]);
    expect(set.ok ? [] : set.issues.map((i) => i.path)).toEqual(['load.profile[1]']);
  });
});

describe('load.trace', () => {
  it('is required with arrival trace, and a path', () => {
    expect(codes({ load: { arrival: 'trace' } })).toEqual([{ path: 'load.trace', code: 'SCN_ERR_MISSING' }]);
    expect(codes({ load: { arrival: 'trace', trace: '' } })).toEqual([
      { path: 'load.trace', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
    expect(codes({ load: { arrival: 'trace', trace: 'x'.repeat(LIMITS.tracePathChars + 1) } })).toEqual([
      { path: 'load.trace', code: 'SCN_ERR_BAD_FORMAT' },
    ]);
  });

  it('on a sweep axis, is read relative to the scenario file too', () => {
    const s = valid(
      { load: { arrival: 'trace', trace: 'a.txt' }, sweep: { 'load.trace': ['b.txt', '/abs/c.txt'] } },
      join(dir, 's.json'),
    );
    expect(s.load.trace).toBe(join(dir, 'a.txt'));
    const built = buildCells(s, 'virtual');
    expect(built.ok && built.cells.map((c) => c.scenario.load.trace)).toEqual([join(dir, 'b.txt'), '/abs/c.txt']);
  });

  it('is read relative to the scenario file, and its offsets kept as written', () => {
    const path = withTrace('# a comment\n0\n1.5\n1.5\n\n40\n', {}, 'ok');
    const r = loadScenarioFile(path);
    expect(r.ok && r.scenario.load.trace).toBe(join(dir, 'ok.txt'));
    const parsed = parseTrace('# a comment\n0\n1.5\n1.5\n\n40\n', 'ok.txt');
    expect(parsed.ok && [...parsed.offsets]).toEqual([0, 1.5, 1.5, 40]);
  });

  it('stops the run when the file is missing, empty or not increasing, naming the line', () => {
    expect(fileCodes(withTrace(null, {}, 'missing'))).toMatchObject([{ path: 'load.trace', code: 'SCN_ERR_NO_FILE' }]);
    expect(fileCodes(withTrace('\n# nothing\n', {}, 'empty'))).toMatchObject([
      { path: 'load.trace', code: 'SCN_ERR_EMPTY' },
    ]);
    const down = fileCodes(withTrace('0\n5\n12.5\n10\n', {}, 'down'));
    expect(down).toMatchObject([{ path: 'load.trace', code: 'SCN_ERR_ORDER' }]);
    expect(down[0]?.message).toMatch(/^line 4 of .*down\.txt:/);
    const word = fileCodes(withTrace('0\n5\n0x10\n', {}, 'word'));
    expect(word).toMatchObject([{ path: 'load.trace', code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(word[0]?.message).toMatch(/^line 3 of /);
    expect(fileCodes(withTrace('0\n-1\n', {}, 'negative'))).toMatchObject([{ code: 'SCN_ERR_NOT_A_NUMBER' }]);
    expect(fileCodes(withTrace('0\n2e9\n', {}, 'far'))).toMatchObject([{ code: 'SCN_ERR_OUT_OF_RANGE' }]);
  });

  it('has its limits: the file size, and the requests in flight its busiest tmax makes', () => {
    const big = withTrace('0\n', {}, 'big');
    truncateSync(join(dir, 'big.txt'), LIMITS.traceBytes + 1);
    expect(fileCodes(big)).toMatchObject([{ path: 'load.trace', code: 'SCN_ERR_TOO_LARGE' }]);
    // 300 arrivals in one millisecond × 10,000 leaves is 3,000,000 requests in flight.
    const path = join(dir, 'burst.json');
    writeFileSync(join(dir, 'burst.txt'), '5\n'.repeat(300));
    writeFileSync(
      path,
      JSON.stringify({ load: { arrival: 'trace', trace: 'burst.txt' }, bidders: [{ name: 'a', count: 10_000 }] }),
    );
    expect(fileCodes(path)).toMatchObject([{ path: 'load.trace', code: 'SCN_ERR_TOO_LARGE' }]);
  });

  // Five million lines parse in about a second and a half here; the bound leaves room for a loaded machine.
  it('holds at most LIMITS.traceArrivals offsets', { timeout: 60_000 }, () => {
    const r = parseTrace('1\n'.repeat(LIMITS.traceArrivals + 1), 't.txt');
    expect(r.ok ? null : r.issue.code).toBe('SCN_ERR_TOO_LARGE');
  });
});
