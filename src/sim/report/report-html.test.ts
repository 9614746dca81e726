import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartData } from './chart-data.js';
import { HOSTILE_IMG, HOSTILE_MD, HOSTILE_SCRIPT, syntheticRun } from '../../../test/helpers/synthetic-run.js';
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
