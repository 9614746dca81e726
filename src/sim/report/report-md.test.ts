import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../metrics/summary.js';
import { parseShown, shownTolerance } from './format.js';
import {
  HOSTILE_IMG,
  HOSTILE_MD,
  HOSTILE_SCRIPT,
  syntheticHarness,
  syntheticRun,
} from '../../../test/helpers/synthetic-run.js';
import {
  bidderMismatches,
  failureMismatches,
  harnessMismatches,
  latencyMismatches,
} from '../../../test/helpers/report-tables.js';
import type { RunResult } from '../run/result.js';
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
    writeReports(dir, syntheticRun({ partial: true, faulty: true }));
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

  it('lists the leaves some requests were not sent to, with their seat-non-bid counts', () => {
    const run = syntheticRun();
    const [name, b] = Object.entries(run.summary.bidders)[0]!;
    b.notSent = { skipped: 1, throttled: 5, capped: 2 };
    b.secondaryCut = 3;
    b.seatNonBid['203'] = 7;
    const out = mkdtempSync(join(tmpdir(), 'report-md-'));
    try {
      writeReports(out, run);
      const t = table(readFileSync(join(out, 'report.md'), 'utf8'), 'Requests not sent or cut off');
      expect([...t.keys()]).toEqual([name]);
      const r = t.get(name)!;
      const shown = [r.skipped, r.throttled, r.capped, r['secondary cut'], r['203']].map((x) => parseShown(x!));
      expect(shown).toEqual([1, 5, 2, 3, 7]);
      expect(parseShown(r['101']!)).toBe(b.timedOut);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(md).toContain('Every leaf was sent every auction’s request, and none was cut off.');
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

  it('lists every leaf with invalid, stray or lost answers, with its drops and reasons', () => {
    const t = table(md, 'Invalid, stray and lost answers');
    expect(failureMismatches(Object.fromEntries(t), s, unescapeMd)).toEqual([]);
    // Worst first: faulty-1 lost 80% of its requests.
    expect([...t.keys()][0]).toBe('faulty-1');
    expect(md).toMatch(
      /^- ⚠️ [\d.]+% of bid requests were lost \(\d[\d\u202f]* of [\d\u202f]+\), in 1 of 7 leaves: faulty-1 [78]\d\.\d%/m,
    );
  });
});

/** report.md of a run with this harness (or none). */
function mdWith(harness: Parameters<typeof syntheticHarness>[0] | 'virtual' | null): { md: string; s: Summary } {
  const run: RunResult = syntheticRun({ auctions: 300 });
  run.summary.thresholds = [{ metric: 'rates.fill', op: '>', value: 0, actual: run.summary.rates.fill, pass: true }];
  if (harness === 'virtual')
    run.summary.harness = {
      ...syntheticHarness('ok'),
      reasons: ['virtual time'],
      checks: [],
      processes: [],
      hostLateness: null,
      groups: {},
    };
  else if (harness !== null) run.summary.harness = syntheticHarness(harness);
  const d = mkdtempSync(join(tmpdir(), 'report-md-'));
  try {
    writeReports(d, run);
    return { md: readFileSync(join(d, 'report.md'), 'utf8'), s: run.summary };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

describe('report.md and the harness', () => {
  it.each(['degraded', 'invalid'] as const)(
    'puts a %s harness in a banner above the verdict, with what to do',
    (verdict) => {
      const { md, s } = mdWith(verdict);
      const lines = md.split('\n');
      expect(lines[0]).toMatch(new RegExp(`: PASS · harness ${verdict}$`));
      const banner = lines.findIndex((l) =>
        l.startsWith(`> ${verdict === 'invalid' ? '❌' : '⚠️'} **Harness ${verdict}:`),
      );
      const firstVerdict = lines.findIndex((l) => l.startsWith('- ✅') || l.startsWith('- ⚠️') || l.startsWith('- ❌'));
      expect(banner).toBeGreaterThan(0);
      expect(banner).toBeLessThan(firstVerdict);
      const quoted = lines
        .slice(banner, firstVerdict)
        .filter((l) => l.startsWith('>'))
        .join('\n');
      for (const r of s.harness!.reasons) expect(quoted).toContain(`> - ${r}`);
      expect(quoted).toContain(`Figures not to trust: ${s.harness!.polluted.join(', ')}.`);
      for (const a of s.harness!.advice) expect(quoted).toContain(`> - ${a}`);
      expect(lines[firstVerdict]).toContain(`— but the harness was ${verdict}`);
      expect(lines[firstVerdict]!.startsWith(verdict === 'invalid' ? '- ❌' : '- ⚠️')).toBe(true);
      // The figures behind the verdict, in two tables.
      const checks = Object.fromEntries(table(md, 'Harness checks'));
      const processes = Object.fromEntries(table(md, 'Harness processes'));
      expect(
        harnessMismatches(Object.fromEntries(Object.entries(checks).map(([k, v]) => [unescapeMd(k), v])), processes, s),
      ).toEqual([]);
      // The bidder host's timer lateness beside the other latencies.
      const lateness = table(md, 'Auction latency').get('host timer lateness')!;
      expect(parseShown(lateness.p99!)).toBe(s.harness!.hostLateness!.p99);
    },
  );

  it('shows no banner when the harness was ok, and says "virtual time" quietly', () => {
    for (const h of ['ok', 'virtual', null] as const) {
      const { md } = mdWith(h);
      expect(md.split('\n')[0]).toMatch(/: PASS$/);
      expect(md).not.toContain('> ⚠️');
      expect(md).not.toContain('**Harness');
      expect(md).not.toContain('but the harness');
      if (h === 'virtual') expect(md).toContain('Harness ok: virtual time.');
      if (h === 'ok') expect(md).toContain('## Harness checks');
      if (h !== 'ok') expect(md).not.toContain('## Harness checks');
    }
  });
});
