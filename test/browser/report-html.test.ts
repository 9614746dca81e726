// Opens a generated report.html in headless Chromium: every chart draws, nothing errors, nothing
// leaves the file, hostile names show as text and never as markup, and the tables show summary.json.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_IMG,
  HOSTILE_MD,
  HOSTILE_SCRIPT,
  manyLeaves,
  syntheticHarness,
  syntheticRun,
} from '../helpers/synthetic-run.js';
import { writeReports } from '../../src/sim/report/write-reports.js';
import type { Summary } from '../../src/sim/metrics/summary.js';
import {
  bidderMismatches,
  failureMismatches,
  harnessMismatches,
  latencyMismatches,
  Mismatches,
} from '../helpers/report-tables.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const CHARTS = ['chart-spectrum', 'chart-bidder-latency', 'chart-bidder-rates', 'chart-over-time'];

/** Every table section of the page, as DomTables keyed by the section's id. */
const READ_TABLES = `(() => {
        const out = {};
        for (const section of document.querySelectorAll('section[id^="table-"]')) {
          const headers = [...section.querySelectorAll('thead th')].map((th) => th.textContent);
          const rows = {};
          for (const tr of section.querySelectorAll('tbody tr')) {
            const cells = [...tr.children].map((c) => c.textContent);
            const row = {};
            headers.forEach((h, i) => (row[h] = cells[i]));
            rows[cells[0]] = row;
          }
          out[section.id] = rows;
        }
        return out;
      })()`;

/** A DOM table as rows keyed by their row header, cells keyed by column header. */
type DomTable = Record<string, Record<string, string>>;

/**
 * Evaluate a JavaScript expression in the page. Page code is written as text because this project
 * type-checks against Node's globals only (no DOM lib); what comes back is typed here.
 */
async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

describe('report.html in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let summary: Summary;
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
    writeReports(dir, syntheticRun({ faulty: true }));
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    await page.waitForFunction('document.documentElement.dataset.charts !== undefined', null, { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart, each with data and non-blank pixels', async () => {
    expect(await inPage<string>(page, 'document.documentElement.dataset.charts')).toBe(String(CHARTS.length));
    for (const id of CHARTS) {
      const drawn = await inPage<{ points: number; inked: number; colours: number; width: number } | null>(
        page,
        `(() => {
          const el = document.getElementById(${JSON.stringify(id)});
          const canvas = el && el.querySelector('canvas');
          const ctx = canvas && canvas.getContext('2d');
          if (!ctx) return null;
          const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          const colours = new Set();
          let inked = 0;
          for (let i = 0; i < px.length; i += 4) {
            if (px[i + 3] === 0) continue;
            inked++;
            colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
          }
          return { points: Number(el.dataset.points), inked, colours: colours.size, width: canvas.width };
        })()`,
      );
      expect(drawn, id).not.toBeNull();
      expect(drawn!.points, `${id} data points`).toBeGreaterThan(0);
      expect(drawn!.width, `${id} width`).toBeGreaterThan(300);
      // Axes alone are one or two greys; series add their colours.
      expect(drawn!.inked, `${id} inked pixels`).toBeGreaterThan(2000);
      expect(drawn!.colours, `${id} colours`).toBeGreaterThan(8);
    }
  });

  it('raises no error, fetches nothing beyond the file, and opens no dialog (also on hover)', async () => {
    await page.locator('#chart-spectrum').scrollIntoViewIfNeeded();
    const box = await page.locator('#chart-spectrum canvas').boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x + box!.width * 0.6, box!.y + box!.height * 0.5);
    await page.mouse.move(box!.x + box!.width * 0.9, box!.y + box!.height * 0.4);
    const legend = await page.locator('#chart-spectrum .u-legend').textContent();
    expect(legend).toMatch(/ms/);
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url).toMatch(/^(file|data):/);
  });

  it("shows in a chart's legend the figure the table shows, formatted on the server the same way", async () => {
    // Over the first bar group (locator.hover scrolls the chart into view first).
    const over = page.locator('#chart-bidder-latency .u-over');
    const size = await over.boundingBox();
    expect(size).not.toBeNull();
    await over.hover({ position: { x: size!.width * 0.05, y: size!.height * 0.5 } });
    const legend = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('#chart-bidder-latency .u-legend .u-series .u-value')].map((c) => c.textContent)`,
    );
    const [bidder, p50, p99] = legend;
    const row = await inPage<string[]>(
      page,
      `(() => {
        const rows = [...document.querySelectorAll('#table-bidders tbody tr')];
        const headers = [...document.querySelectorAll('#table-bidders thead th')].map((h) => h.textContent.trim().toLowerCase());
        const tr = rows.find((r) => r.children[0].textContent === ${JSON.stringify(bidder)});
        return tr === undefined ? [] : ['p50 ms', 'p99 ms'].map((h) => tr.children[headers.indexOf(h)].textContent);
      })()`,
    );
    expect(bidder).toBeTruthy();
    expect(legend.length).toBe(3);
    expect([p50, p99]).toEqual(row.map((cell) => `${cell} ms`));
  });

  it('shows hostile names as text, never as elements', async () => {
    const text = await inPage<string>(page, 'document.body.textContent');
    expect(text).toContain(HOSTILE_IMG);
    expect(text).toContain(HOSTILE_SCRIPT);
    expect(text).toContain(HOSTILE_MD);
    expect(await page.locator('img').count()).toBe(0);
    // Only our three scripts: the JSON data, uPlot and the chart client.
    expect(await page.locator('script').count()).toBe(3);
    // The legend (built by uPlot with textContent) names the hostile groups literally.
    expect(await page.locator('#chart-spectrum .u-legend').textContent()).toContain(HOSTILE_SCRIPT);
    expect(await page.title()).toContain(HOSTILE_IMG);
  });

  it('fits a laptop screen: no sideways scrolling of the page', async () => {
    const overflow = await inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('shows in its tables the numbers summary.json holds', async () => {
    const tables = await inPage<Record<string, DomTable>>(page, READ_TABLES);
    const check = new Mismatches();
    const near = check.near.bind(check);
    const same = check.same.bind(check);
    const mismatches = check.lines;
    mismatches.push(...latencyMismatches(tables['table-latency']!, summary));
    mismatches.push(...bidderMismatches(tables['table-bidders']!, summary));
    mismatches.push(...failureMismatches(tables['table-failures']!, summary));
    const groups: DomTable = tables['table-groups']!;
    for (const [name, g] of Object.entries(summary.groups)) {
      const r = groups[name];
      for (const [h, v] of [
        ['leaves', g.leaves],
        ['sent', g.sent],
        ['timed out', g.timedOut],
        ['late', g.late],
        ['wins', g.wins],
      ] as const)
        same(`group ${name} ${h}`, r?.[h], v);
      near(`group ${name} p99`, r?.['p99 ms'], g.latency.p99);
      near(`group ${name} p99.9`, r?.['p99.9 ms'], g.latency.p999);
    }
    same('all groups sent', groups['all groups']?.sent, summary.bids.sent);
    const out: DomTable = tables['table-outcome']!;
    same('auctions', out.auctions?.value, summary.auctions.total);
    same('filled', out.filled?.value, summary.auctions.filled);
    near('fill rate', out['fill rate']?.value, summary.rates.fill);
    near('timeout rate', out['timeout rate']?.value, summary.rates.timeout);
    near('revenue', out.revenue?.value, summary.revenue.total);
    near('revenue per 1000', out['revenue per 1000 auctions']?.value, summary.revenue.perThousand);
    const th: DomTable = tables['table-thresholds']!;
    for (const t of summary.thresholds) {
      const r = th[t.metric];
      if (r?.result !== (t.pass ? 'pass' : 'FAIL')) mismatches.push(`threshold ${t.metric}: ${r?.result}`);
      if (t.actual !== null) same(`threshold ${t.metric} actual`, r?.actual, t.actual);
    }
    expect(mismatches).toEqual([]);
  });
});

/** A leaf or group row of the outcome chart, as the page shows it. */
interface OutcomeRow {
  name: string;
  kind: string;
  shares: Record<string, number>;
  failed: string;
}

describe('report.html at 500 leaves, under a degraded harness', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let summary: Summary;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-browser-many-'));
    const run = syntheticRun({ auctions: 150, hostStats: false, groups: manyLeaves(500, 5), faulty: true });
    run.summary.harness = syntheticHarness('degraded');
    run.summary.thresholds = [];
    writeReports(dir, run);
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    await page.waitForFunction('document.documentElement.dataset.charts !== undefined', null, { timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the harness banner above the verdict, in amber, with its reasons and advice', async () => {
    const banner = page.locator('#harness-banner');
    expect(await banner.getAttribute('class')).toBe('banner harness warn');
    const text = (await banner.textContent()) ?? '';
    for (const r of [...summary.harness!.reasons, ...summary.harness!.advice, ...summary.harness!.polluted])
      expect(text).toContain(r);
    const bannerBox = await banner.boundingBox();
    const verdictBox = await page.locator('header.verdict').boundingBox();
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(verdictBox!.y);
    expect(await page.locator('#verdict-word').getAttribute('class')).toBe('badge warn');
    expect(await page.locator('#verdict-word').textContent()).toBe('DONEharness degraded');
    const tables = await inPage<Record<string, DomTable>>(page, READ_TABLES);
    expect(harnessMismatches(tables['table-harness-checks']!, tables['table-harness-processes']!, summary)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('draws each group and the 8 worst leaves, not 500 bars', async () => {
    const groups = Object.keys(summary.groups).length;
    for (const id of ['chart-bidder-latency', 'chart-bidder-rates']) {
      const points = await inPage<number>(page, `Number(document.getElementById('${id}').dataset.points)`);
      expect(points, id).toBe(2 * (groups + 8));
    }
    const rows = await inPage<OutcomeRow[]>(
      page,
      `[...document.querySelectorAll('#chart-outcomes .stack-row')].map((r) => ({
        name: r.dataset.name,
        kind: r.dataset.kind,
        shares: Object.fromEntries([...r.querySelectorAll('.seg')].map((s) => [s.className.replace('seg seg-', ''), Number(s.dataset.share)])),
        failed: r.querySelector('.stack-fig').textContent,
      }))`,
    );
    expect(rows.filter((r) => r.kind === 'group').map((r) => r.name)).toEqual(Object.keys(summary.groups));
    const leaves = rows.filter((r) => r.kind === 'leaf');
    expect(leaves).toHaveLength(8);
    // The worst leaf by failing share is the one that lost 80% of its requests; its bar says so.
    const failing = (n: string): number => {
      const b = summary.bidders[n]!;
      return (b.timedOut + b.invalid + b.lost) / b.sent;
    };
    // Worst first: the failing share, then the slowest p99, then the name.
    const p99 = (n: string): number => summary.bidders[n]!.latency.p99;
    const ranked = Object.keys(summary.bidders).sort(
      (a, b) => failing(b) - failing(a) || p99(b) - p99(a) || (a < b ? -1 : 1),
    );
    expect(leaves[0]!.name).toBe('faulty-1');
    expect(leaves.map((l) => l.name)).toEqual(ranked.slice(0, 8));
    const f1 = summary.bidders['faulty-1']!;
    expect(leaves[0]!.shares.lost).toBeCloseTo(f1.lost / f1.sent, 9);
    for (const r of rows) {
      const total = Object.values(r.shares).reduce((t, v) => t + v, 0);
      expect(total, r.name).toBeCloseTo(1, 9);
    }
    expect(leaves[0]!.failed).toMatch(/^[78]\d\.\d% failed$/);
  });

  it('folds the 500-row tables away, every row kept, and opens them on a click', async () => {
    const fold = page.locator('#table-bidders details.fold');
    expect(await fold.getAttribute('open')).toBeNull();
    expect(await page.locator('#table-bidders tbody tr').count()).toBe(500 + 2);
    const tables = await inPage<Record<string, DomTable>>(page, READ_TABLES);
    expect(bidderMismatches(tables['table-bidders']!, summary)).toEqual([]);
    // Folded, the page is a few screens long, not the 500 rows' length.
    expect(await inPage<number>(page, 'document.body.scrollHeight')).toBeLessThan(9000);
    await page.locator('#table-bidders summary').click();
    expect(await fold.getAttribute('open')).toBe('');
    expect(await page.locator('#table-bidders tbody tr').last().isVisible()).toBe(true);
  });

  it('keeps the charts readable: every bar label drawn fits, and the page does not scroll sideways', async () => {
    const overflow = await inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    // Each outcome row keeps its bar at least half the card wide, whatever the name.
    const narrowest = await inPage<number>(
      page,
      `Math.min(...[...document.querySelectorAll('#chart-outcomes .stack')].map((s) => s.getBoundingClientRect().width / s.closest('.card').getBoundingClientRect().width))`,
    );
    expect(narrowest).toBeGreaterThan(0.5);
  });
});
