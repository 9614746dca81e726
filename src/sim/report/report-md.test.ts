import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../metrics/summary.js';
import { parseShown, shownTolerance } from './format.js';
import { HOSTILE_IMG, HOSTILE_MD, HOSTILE_SCRIPT, syntheticRun } from '../../../test/helpers/synthetic-run.js';
import { bidderMismatches, latencyMismatches } from '../../../test/helpers/report-tables.js';
import { writeReports } from './write-reports.js';

/** Undo escapeMd: backslash escapes and the two entities it writes. */
const unescapeMd = (s: string): string => s.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&amp;/g, '&');

/** Split a table row on unescaped pipes. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\' && i + 1 < inner.length) {
      cur += ch + inner[++i]!;
    } else if (ch === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The table under `## title`: rows keyed by their unescaped first cell, cells keyed by header. */
function table(md: string, title: string): Map<string, Record<string, string>> {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${title}`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  let i = start + 1;
  while (i < lines.length && !lines[i]!.startsWith('|')) i++;
  const headers = cells(lines[i]!);
  const rows = new Map<string, Record<string, string>>();
  for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const c = cells(lines[i]!);
    expect(c.length).toBe(headers.length);
    const row: Record<string, string> = {};
    headers.forEach((h, j) => (row[h] = c[j]!));
    rows.set(unescapeMd(c[0]!.replace(/^\*\*(.*)\*\*$/, '$1')), row);
  }
  return rows;
}

/** The shown number is the summary's, to the last digit shown. */
const close = (shown: string, actual: number): void => {
  expect(Math.abs(parseShown(shown) - actual), `${shown} vs ${actual}`).toBeLessThanOrEqual(
    shownTolerance(shown) + 1e-12,
  );
};

describe('report.md', () => {
  let dir: string;
  let md: string;
  let s: Summary;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-md-'));
    writeReports(dir, syntheticRun({ partial: true }));
    md = readFileSync(join(dir, 'report.md'), 'utf8');
    s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the latency percentiles summary.json holds', () => {
    expect(latencyMismatches(Object.fromEntries(table(md, 'Auction latency')), s)).toEqual([]);
  });

  it('has one row per bidder with its counts, rates and response times, hostile names intact', () => {
    const t = table(md, 'Bidders');
    expect(bidderMismatches(Object.fromEntries(t), s, unescapeMd)).toEqual([]);
    expect(t.has(HOSTILE_SCRIPT)).toBe(true);
    expect(t.has(`${HOSTILE_MD}-1`)).toBe(true);
  });

  it('has one row per group, a totals row equal to summary.bids, and host delays beside them', () => {
    const t = table(md, 'Bidder groups');
    for (const [name, g] of Object.entries(s.groups)) {
      const r = t.get(name)!;
      expect(parseShown(r.sent!)).toBe(g.sent);
      expect(parseShown(r['timed out']!)).toBe(g.timedOut);
      close(r['p99 ms']!, g.latency.p99);
      // The host applied less delay than the exchange measured: the gap is the overhead.
      expect(parseShown(r['host p50 ms']!)).toBeGreaterThan(0);
      expect(parseShown(r['host p50 ms']!)).toBeLessThan(parseShown(r['p50 ms']!));
    }
    const all = t.get('all groups')!;
    expect(parseShown(all.sent!)).toBe(s.bids.sent);
    expect(parseShown(all['timed out']!)).toBe(s.bids.timedOut);
    expect(parseShown(all.late!)).toBe(s.bids.late);
    expect(t.has(HOSTILE_IMG)).toBe(true);
  });

  it('shows fill, revenue and the thresholds with their verdicts', () => {
    const o = table(md, 'Fill and revenue');
    expect(parseShown(o.get('auctions')!.value!)).toBe(s.auctions.total);
    expect(parseShown(o.get('filled')!.value!)).toBe(s.auctions.filled);
    close(o.get('fill rate')!.value!, s.rates.fill);
    close(o.get('revenue')!.value!, s.revenue.total);
    close(o.get('average clearing CPM')!.value!, s.revenue.avgClearingPrice);
    const th = table(md, 'Thresholds');
    expect(th.size).toBe(s.thresholds.length);
    for (const t of s.thresholds) {
      const r = th.get(t.metric)!;
      expect(r.result).toBe(t.pass ? 'pass' : 'FAIL');
      expect(Number(r.actual)).toBe(t.actual);
      expect(r.op).toBe(t.op);
    }
    expect(md.split('\n')[0]).toMatch(/: FAIL$/);
  });

  it('says when the run was partial, and names no raw HTML', () => {
    expect(md).toContain('**PARTIAL RUN**');
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
  });

  it('says when no thresholds were set, and has no partial banner for a whole run', () => {
    const run = syntheticRun({ auctions: 200, hostStats: false });
    run.summary.thresholds = [];
    const d = mkdtempSync(join(tmpdir(), 'report-md-'));
    try {
      writeReports(d, run);
      const text = readFileSync(join(d, 'report.md'), 'utf8');
      expect(text).toContain('No thresholds set in the scenario.');
      expect(text).not.toContain('PARTIAL');
      // No host stats (an external host): the host columns say so rather than show zeros.
      expect(table(text, 'Bidder groups').get('dsp-fast')!['host p50 ms']).toBe('—');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
