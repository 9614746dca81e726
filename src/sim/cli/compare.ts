// `npm run compare -- DIR_A DIR_B [--out DIR]`
// Reads two report folders (summary.json, and where present auction.hgrm, overshoot.hgrm and
// scenario.resolved.json), prints compare.md and writes it. Flags: COMPARE_SPEC (specs.ts).

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { placeJsonError } from '../scenario/json-error.js';
import { basename, join, resolve } from 'node:path';
import { compareRuns, parseHgrm, summaryProblems, type RunFolder } from '../compare/compare.js';
import { compareMarkdown } from '../compare/compare-md.js';
import type { Summary } from '../metrics/summary.js';
import { parseCommand } from './command-spec.js';
import { fail, stamp } from './common.js';
import { EXIT } from './exit-codes.js';
import { prepareReportFolder } from './report-root.js';
import { COMPARE_SPEC } from './specs.js';

/** The largest file read from a report folder (summaries and .hgrm files are kilobytes). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** A file of the folder, or null when it is not there; anything else unreadable is bad input. */
function readText(path: string): string | null {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) fail(EXIT.badInput, `${path}: not a file`);
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    fail(EXIT.badInput, `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (size > MAX_FILE_BYTES) fail(EXIT.badInput, `${path}: ${size} bytes, more than the ${MAX_FILE_BYTES} read`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    fail(EXIT.badInput, `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function readJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const place = placeJsonError(text, err);
    fail(EXIT.badInput, `${path}: invalid JSON at line ${place.line}, column ${place.column}: ${place.reason}`);
  }
}

function readFolder(dir: string): RunFolder {
  const at = join(dir, 'summary.json');
  const text = readText(at);
  if (text === null) {
    const sweep = existsSync(join(dir, 'sweep.json'));
    fail(
      EXIT.badInput,
      `${dir}: no summary.json (${sweep ? 'a sweep folder: compare two runs' : "is it a run's report folder?"})`,
    );
  }
  const raw = readJson(at, text);
  const problems = summaryProblems(raw);
  if (problems.length > 0) fail(EXIT.badInput, `${at}: cannot be compared\n${problems.join('\n')}`);
  const summary = raw as Summary;
  const hgrm = (name: string) => {
    const t = readText(join(dir, name));
    return t === null ? null : parseHgrm(t);
  };
  const scenarioText = readText(join(dir, 'scenario.resolved.json'));
  let scenario: unknown = null;
  if (scenarioText !== null) {
    try {
      scenario = JSON.parse(scenarioText) as unknown;
    } catch {
      // An unreadable resolved scenario only costs the list of settings that differ (the page says so).
    }
  }
  return {
    label: basename(resolve(dir)),
    summary,
    auction: hgrm('auction.hgrm'),
    overshoot: hgrm('overshoot.hgrm'),
    scenario,
  };
}

/** What compare writes into its folder (--force removes it, and nothing else). */
const COMPARE_FILES = { names: ['compare.md'] } as const;
const [COMPARE_MD] = COMPARE_FILES.names;

function main(): void {
  const { values, positionals } = parseCommand(COMPARE_SPEC);
  const a = readFolder(positionals[0]!);
  const b = readFolder(positionals[1]!);
  const dir = prepareReportFolder({
    out: values.out,
    fallback: join('reports', `compare-${stamp(new Date())}`),
    files: COMPARE_FILES,
    force: values.force,
  });
  const page = compareMarkdown(compareRuns(a, b));
  try {
    writeFileSync(join(dir, COMPARE_MD), page);
  } catch (err) {
    fail(EXIT.runFailed, `cannot write ${join(dir, COMPARE_MD)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(`${page}\nwritten: ${join(dir, COMPARE_MD)}\n`);
}

// Anything that escapes is a failure of the command itself: 3, with the reason.
try {
  main();
} catch (err) {
  fail(EXIT.runFailed, `compare failed: ${err instanceof Error ? err.message : String(err)}`);
}
