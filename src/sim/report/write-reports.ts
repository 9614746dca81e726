// Writes a run's report folder. Every file is derived from the same RunResult, so the numbers in
// each agree with summary.json: summary.json, report.md, report.html, and .hgrm percentile files
// (auction, overshoot, each bidder group's response time and, when the bidder host reported them,
// the delays it applied per group). scenario.resolved.json is the scenario as it ran, every default
// and override filled in: `npm run sim -- DIR/scenario.resolved.json` runs it again.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../../lib/ensure-dir.js';
import type { RunResult } from '../run/result.js';
import { hgrmText, safeHgrmName } from './hgrm.js';
import { reportHtml } from './report-html.js';
import { reportMarkdown } from './report-md.js';
import { reportModel } from './report-model.js';

/** Write every report file into `dir` (created if needed); returns the paths written. */
export function writeReports(dir: string, run: RunResult): string[] {
  ensureDir(dir);
  const model = reportModel(run);
  const files: Array<[string, string]> = [
    ['summary.json', `${JSON.stringify(run.summary, null, 2)}\n`],
    ['scenario.resolved.json', `${JSON.stringify(run.scenario, null, 2)}\n`],
    ['report.md', reportMarkdown(model)],
    ['report.html', reportHtml(model)],
    ['auction.hgrm', hgrmText(run.metrics.auctionLatency)],
    ['overshoot.hgrm', hgrmText(run.metrics.overshoot)],
  ];
  const taken = new Set(files.map(([name]) => name));
  for (const g of model.groups) files.push([safeHgrmName('group', g.name, taken), hgrmText(g.latency)]);
  for (const g of model.groups)
    if (g.hostDelay !== null) files.push([safeHgrmName('host-delays', g.name, taken), hgrmText(g.hostDelay)]);
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}
