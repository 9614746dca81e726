import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram, newHistogram, type Histogram } from '../../lib/histogram.js';
import type { RunResult } from '../run/result.js';
import { safeHgrmName } from './hgrm.js';
import { syntheticRun } from '../../../test/helpers/synthetic-run.js';
import { writeReports } from './write-reports.js';

interface Hgrm {
  rows: Array<{ value: number; percentile: number; count: number }>;
  max: number;
  total: number;
}

/** Parse the .hgrm text the way plotters do: a header line, then value/percentile/count rows, then #[...] footers. */
function parseHgrm(text: string): Hgrm {
  const lines = text.split('\n');
  expect(lines[0]!.trim().split(/\s+/)).toEqual(['Value', 'Percentile', 'TotalCount', '1/(1-Percentile)']);
  const rows: Hgrm['rows'] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || !/^[\d.]+$/.test(f[0]!)) continue;
    rows.push({ value: Number(f[0]), percentile: Number(f[1]), count: Number(f[2]) });
  }
  const max = /#\[Max\s+=\s+([\d.]+), Total count\s+=\s+(\d+)\]/.exec(text);
  expect(max).not.toBeNull();
  return { rows, max: Number(max![1]), total: Number(max![2]) };
}

/** The row plotters read for 99%: the first at or beyond it. */
function at99(h: Hgrm): { value: number; percentile: number } {
  return h.rows.find((r) => r.percentile >= 0.99)!;
}

describe('.hgrm files', () => {
  let dir: string;
  let run: RunResult;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-hgrm-'));
    run = syntheticRun();
    writeReports(dir, run);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectMatches = (file: string, h: Histogram): Hgrm => {
    const parsed = parseHgrm(readFileSync(join(dir, file), 'utf8'));
    expect(parsed.total).toBe(h.totalCount);
    expect(parsed.rows.length).toBeGreaterThan(10);
    expect(parsed.rows.at(-1)!.percentile).toBe(1);
    // Values are ms (the histograms hold µs), and the 99% row is the histogram's value there.
    const r = at99(parsed);
    expect(r.value).toBeCloseTo(h.getValueAtPercentile(r.percentile * 100) / 1000, 3);
    expect(r.value).toBeGreaterThanOrEqual(h.getValueAtPercentile(99) / 1000 - 0.001);
    return parsed;
  };

  it('auction.hgrm holds the auction latency in ms, matching summary.json at 99%', () => {
    const parsed = expectMatches('auction.hgrm', run.metrics.auctionLatency);
    expect(parsed.total).toBe(run.summary.latency.auction.count);
    expect(at99(parsed).value).toBeGreaterThanOrEqual(run.summary.latency.auction.p99 - 0.001);
    expect(parsed.max).toBeCloseTo(run.summary.latency.auction.max, 2);
  });

  it('overshoot.hgrm holds the deadline overshoot', () => {
    expectMatches('overshoot.hgrm', run.metrics.overshoot);
  });

  it('writes one group file per bidder group, with file-safe names, merging its leaves', () => {
    const files = readdirSync(dir).filter((f) => f.startsWith('group-'));
    expect(files).toHaveLength(Object.keys(run.summary.groups).length);
    for (const f of files) expect(f).toMatch(/^group-[A-Za-z0-9._-]+\.hgrm$/);
    const fast = newHistogram();
    for (const c of run.metrics.leaves) if (c.info.group === 'dsp-fast') fast.add(c.latency);
    expectMatches('group-dsp-fast.hgrm', fast);
    expect(parseHgrm(readFileSync(join(dir, 'group-dsp-fast.hgrm'), 'utf8')).total).toBe(
      run.summary.groups['dsp-fast']!.latency.count,
    );
  });

  it('merges the host-applied delays per group into host-delays-<group>.hgrm', () => {
    const files = readdirSync(dir).filter((f) => f.startsWith('host-delays-'));
    expect(files).toHaveLength(Object.keys(run.summary.groups).length);
    const fast = newHistogram();
    for (const s of run.hostStats)
      if (run.summary.bidders[s.name]!.group === 'dsp-fast') fast.add(decodeHistogram(s.delays));
    expectMatches('host-delays-dsp-fast.hgrm', fast);
  });

  it('writes no host-delay files when the host reported none', () => {
    const d = mkdtempSync(join(tmpdir(), 'report-hgrm-'));
    try {
      writeReports(d, syntheticRun({ auctions: 100, hostStats: false }));
      expect(readdirSync(d).filter((f) => f.startsWith('host-delays-'))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('safeHgrmName', () => {
  it('keeps safe names, cleans the rest, and never hands out the same file twice', () => {
    const taken = new Set<string>();
    expect(safeHgrmName('group', 'dsp-fast', taken)).toBe('group-dsp-fast.hgrm');
    expect(safeHgrmName('group', '../etc/passwd', taken)).toBe('group-__etc_passwd.hgrm');
    expect(safeHgrmName('group', 'a b', taken)).toBe('group-a_b.hgrm');
    expect(safeHgrmName('group', 'a_b', taken)).toBe('group-a_b-2.hgrm');
    expect(safeHgrmName('group', 'A_B', taken)).toBe('group-A_B-3.hgrm');
    expect(safeHgrmName('group', '', taken)).toBe('group-_.hgrm');
  });
});
