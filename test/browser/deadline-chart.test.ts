// report.html with adaptive timeouts on, in headless Chromium: the deadlines chart draws every
// point of every line, without an error; with them off there is no such chart.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticRun } from '../helpers/synthetic-run.js';
import { writeReports } from '../../src/sim/report/write-reports.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const POINTS = 40;

/** What the page shows of the deadlines chart: its points, inked pixels, chart count and errors. */
const READ = `(() => {
  const el = document.getElementById('chart-deadlines');
  const canvas = el && el.querySelector('canvas');
  const ctx = canvas && canvas.getContext('2d');
  let inked = 0;
  if (ctx) {
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) inked++;
  }
  return { present: el !== null, points: el ? Number(el.dataset.points) : 0, inked, charts: document.documentElement.dataset.charts };
})()`;

interface Read {
  present: boolean;
  points: number;
  inked: number;
  charts: string;
}

describe('the adaptive deadlines chart in Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = mkdtempSync(join(tmpdir(), 'deadline-chart-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function open(adaptive: boolean): Promise<{ read: Read; errors: string[] }> {
    const run = syntheticRun({ groups: [{ group: 'dsp', leaves: ['dsp-1', 'dsp-2'], medianMs: 20 }] });
    if (adaptive) {
      Object.values(run.summary.bidders).forEach((b, k) => {
        b.deadlineMs = { fromSec: 1, stepSec: 1, ms: Array.from({ length: POINTS }, (_, i) => (i < 20 ? 90 : 40) + k) };
      });
    }
    const out = join(dir, adaptive ? 'on' : 'off');
    writeReports(out, run);
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
    await page.waitForFunction('document.documentElement.dataset.charts !== undefined', null, { timeout: 10_000 });
    const read = (await page.evaluate(READ)) as Read;
    await page.close();
    return { read, errors };
  }

  it('draws each leaf’s deadline at every point', async () => {
    const { read, errors } = await open(true);
    expect(errors).toEqual([]);
    expect(read.present).toBe(true);
    expect(read.points).toBe(2 * POINTS);
    expect(read.inked).toBeGreaterThan(1000);
    expect(read.charts).toBe('5');
  });

  it('is not there when adaptive timeouts were off', async () => {
    const { read, errors } = await open(false);
    expect(errors).toEqual([]);
    expect(read.present).toBe(false);
    expect(read.charts).toBe('4');
  });
});
