import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartData } from './chart-data.js';
import {
  HOSTILE_IMG,
  HOSTILE_MD,
  HOSTILE_SCRIPT,
  syntheticHarness,
  syntheticRun,
} from '../../../test/helpers/synthetic-run.js';
import type { HarnessSummary } from '../metrics/harness-types.js';
import { reportHtml } from './report-html.js';
import { reportModel } from './report-model.js';
import { writeReports } from './write-reports.js';

describe('report.html (as text)', () => {
  let dir: string;
  let html: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-html-'));
    writeReports(dir, syntheticRun({ partial: true }));
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows hostile names escaped and never as markup', () => {
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(HOSTILE_MD);
    expect(html).not.toMatch(/<img\s+src=x/i);
    expect(html).not.toContain('<script>alert(1)');
  });

  it('keeps the chart data in one JSON block that no value can close, and it parses back', () => {
    const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    const json = m![1]!;
    expect(json).not.toContain('<');
    const data = JSON.parse(json) as ChartData;
    expect(data.bidders.names).toContain(HOSTILE_SCRIPT);
    expect(data.spectrum.lines.map((l) => l.label)).toContain(HOSTILE_IMG);
    expect(data.tmaxMs).toBe(100);
  });

  it('is self-contained: no http(s) URL in any src or href, no external stylesheet or font', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|@font-face|url\(\s*["']?https?:/i);
    expect(html).toContain("default-src 'none'");
    // uPlot is inlined, not referenced.
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=/i);
  });

  it('keeps the data small', () => {
    const data = JSON.parse(/id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as ChartData;
    expect(data.spectrum.x.length).toBeLessThan(300);
    for (const l of data.spectrum.lines) expect(l.values.filter((v) => v !== null).length).toBeLessThan(300);
  });

  it('carries a partial banner and the headline verdict', () => {
    expect(html).toContain('class="banner partial"');
    expect(html).toMatch(/id="verdict-word">FAIL</);
  });
});

/** report.html of a whole run whose one threshold passes, with this harness (or none). */
function pageWith(harness: HarnessSummary | null): string {
  const run = syntheticRun({ auctions: 300 });
  run.summary.thresholds = [{ metric: 'rates.fill', op: '>', value: 0, actual: run.summary.rates.fill, pass: true }];
  if (harness !== null) run.summary.harness = harness;
  return reportHtml(reportModel(run));
}

const VIRTUAL: HarnessSummary = {
  ...syntheticHarness('ok'),
  reasons: ['virtual time'],
  checks: [],
  processes: [],
  hostLateness: null,
  groups: {},
};

describe('report.html and the harness', () => {
  it.each([
    ['degraded', 'warn'],
    ['invalid', 'bad'],
  ] as const)('puts a %s harness in a banner above the verdict, coloured %s', (verdict, level) => {
    const h = syntheticHarness(verdict);
    const page = pageWith(h);
    const banner = /<section class="banner harness (\w+)" id="harness-banner" role="alert">([\s\S]*?)<\/section>/.exec(
      page,
    );
    expect(banner?.[1]).toBe(level);
    expect(page.indexOf('id="harness-banner"')).toBeLessThan(page.indexOf('<header class="verdict'));
    const text = banner![2]!;
    expect(text).toContain(`Harness ${verdict}:`);
    for (const r of h.reasons) expect(text).toContain(`<li>${r}</li>`);
    for (const a of h.advice) expect(text).toContain(`<li>${a}</li>`);
    expect(text).toContain(`<b>Figures not to trust:</b> ${h.polluted.join(', ')}.`);
    // The badge and the verdict line say so too; the key figure of overshoot takes the harness's level.
    expect(page).toContain(`<div class="badge ${level}" id="verdict-word">PASS<small>harness ${verdict}</small></div>`);
    expect(page).toMatch(new RegExp(`<li class="${level}">All 1 thresholds pass — but the harness was ${verdict}: `));
    expect(page).toMatch(
      new RegExp(`<div class="kpi ${verdict === 'invalid' ? 'bad' : 'ok'}"><div class="label">overshoot p99`),
    );
    expect(page).toContain('id="table-harness-checks"');
    expect(page).toContain('id="table-harness-processes"');
  });

  it('shows no banner for an ok or virtual harness, or none, and names it in the run line', () => {
    for (const [h, phrase] of [
      [syntheticHarness('ok'), ' · harness ok</div>'],
      [VIRTUAL, ' · harness ok (virtual time)</div>'],
      [null, ' leaves</div>'],
    ] as const) {
      const page = pageWith(h);
      expect(page).not.toContain('harness-banner');
      expect(page).toContain('<div class="badge ok" id="verdict-word">PASS</div>');
      expect(page).toContain(phrase);
      expect(page.includes('id="table-harness-checks"')).toBe(h !== null && h.checks.length > 0);
    }
  });
});
