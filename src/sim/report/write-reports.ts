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
import { hlogText } from './hlog.js';
import { runHistograms, runState } from '../merge/state.js';
import { reportHtml } from './report-html.js';
import { reportMarkdown } from './report-md.js';
import { reportModel } from './report-model.js';

/** The files a command writes into its folder: fixed names, and families of made names (group-<name>.hgrm). */
export interface OutputFiles {
  readonly names: readonly string[];
  /** Names made from a scenario's (group-<group>.hgrm): how a person reads them, and the test of a name. */
  readonly families?: readonly { readonly shown: string; readonly matches: RegExp }[];
}

/**
 * Every file writeReports writes, for `--force` to remove before a run reuses a folder (and nothing
 * else). The families are what safeHgrmName makes from a group's name.
 */
export const REPORT_FILES = {
  names: [
    'summary.json',
    'scenario.resolved.json',
    'report.md',
    'report.html',
    'auction.hgrm',
    'overshoot.hgrm',
    'histograms.hlog',
    'run-state.json',
  ],
  families: [
    { shown: 'group-<group>.hgrm', matches: /^group-[A-Za-z0-9._-]+\.hgrm$/ },
    { shown: 'host-delays-<group>.hgrm', matches: /^host-delays-[A-Za-z0-9._-]+\.hgrm$/ },
  ],
} as const satisfies OutputFiles;

const [SUMMARY, RESOLVED, MARKDOWN, HTML, AUCTION, OVERSHOOT, HLOG, STATE] = REPORT_FILES.names;

/** Write every report file into `dir` (created if needed); returns the paths written. */
export function writeReports(dir: string, run: RunResult): string[] {
  ensureDir(dir);
  const model = reportModel(run);
  const files: Array<[string, string]> = [
    [SUMMARY, `${JSON.stringify(run.summary, null, 2)}\n`],
    [RESOLVED, `${JSON.stringify(run.scenario, null, 2)}\n`],
    [MARKDOWN, reportMarkdown(model)],
    [HTML, reportHtml(model)],
    [AUCTION, hgrmText(run.metrics.auctionLatency)],
    [OVERSHOOT, hgrmText(run.metrics.overshoot)],
    [HLOG, runHlog(run)],
    [STATE, `${JSON.stringify(runState(run.metrics, run.hostStats, run.segment, run.window), null, 1)}\n`],
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

/** The run's histograms as an interval log over its measured stretch (hlog.ts). */
function runHlog(run: RunResult): string {
  const startEpochMs = Date.parse(run.summary.startedAt);
  const base = run.window.timeline === 'epoch' ? startEpochMs : 0;
  return hlogText(runHistograms(run.metrics, run.eventLoopDelay, run.hostStats), {
    startEpochMs,
    fromSec: (run.window.fromMs - base) / 1000,
    toSec: (run.window.toMs - base) / 1000,
  });
}
