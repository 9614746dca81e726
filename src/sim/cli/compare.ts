// `npm run compare -- DIR_A DIR_B [--out DIR]`
// Reads two report folders (summary.json, and where present auction.hgrm, overshoot.hgrm and
// scenario.resolved.json), prints compare.md and writes it. Flags: COMPARE_SPEC (specs.ts).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { compareRuns, parseHgrm, type RunFolder } from '../compare/compare.js';
import { compareMarkdown } from '../compare/compare-md.js';
import type { Summary } from '../metrics/summary.js';
import { parseCommand } from './command-spec.js';
import { fail, stamp } from './common.js';
import { EXIT } from './exit-codes.js';
import { ensureReportRoot } from './report-root.js';
import { COMPARE_SPEC } from './specs.js';

/** The largest file read from a report folder: summaries and .hgrm files are kilobytes. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function readText(path: string): string | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_FILE_BYTES) fail(EXIT.badInput, `${path}: larger than ${MAX_FILE_BYTES} bytes`);
  return text;
}

function readFolder(dir: string): RunFolder {
  const summaryText = readText(join(dir, 'summary.json'));
  if (summaryText === null) fail(EXIT.badInput, `${dir}: no summary.json (is it a run's report folder?)`);
  let summary: Summary;
  try {
    summary = JSON.parse(summaryText) as Summary;
  } catch (err) {
    fail(EXIT.badInput, `${join(dir, 'summary.json')}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof summary !== 'object' || summary === null || typeof summary.latency?.auction?.p99 !== 'number')
    fail(EXIT.badInput, `${join(dir, 'summary.json')}: not a run's summary (no latency.auction.p99)`);
  const hgrm = (name: string) => {
    const text = readText(join(dir, name));
    return text === null ? null : parseHgrm(text);
  };
  const scenarioText = readText(join(dir, 'scenario.resolved.json'));
  let scenario: unknown;
  try {
    scenario = scenarioText === null ? null : (JSON.parse(scenarioText) as unknown);
  } catch {
    // An unreadable resolved scenario only costs the list of settings that differ.
    scenario = null;
  }
  return {
    label: basename(resolve(dir)),
    summary,
    auction: hgrm('auction.hgrm'),
    overshoot: hgrm('overshoot.hgrm'),
    scenario,
  };
}

function main(): void {
  const { values, positionals } = parseCommand(COMPARE_SPEC);
  const a = readFolder(positionals[0]!);
  const b = readFolder(positionals[1]!);
  ensureReportRoot(values.out);
  const page = compareMarkdown(compareRuns(a, b));
  const dir = resolve(values.out ?? join('reports', `compare-${stamp(new Date())}`));
  try {
    ensureReportRoot(dir);
    writeFileSync(join(dir, 'compare.md'), page);
  } catch (err) {
    fail(
      EXIT.runFailed,
      `cannot write ${join(dir, 'compare.md')}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  process.stdout.write(`${page}\nwritten: ${join(dir, 'compare.md')}\n`);
}

main();
