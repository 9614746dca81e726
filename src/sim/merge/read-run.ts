// A run's report folder as `npm run merge` reads it: summary.json, scenario.resolved.json,
// run-state.json and histograms.hlog, each checked, or an Error naming the file and what is wrong
// (the command line exits 2 with it). A folder without summary.json that holds segment-I-of-N folders
// (a segmented run's --out) stands for them.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summaryProblems } from '../compare/compare.js';
import type { Summary } from '../metrics/summary.js';
import { HLOG_FILE, readHlog } from '../report/hlog.js';
import { placeJsonError } from '../scenario/json-error.js';
import { formatIssues, validateScenario } from '../scenario/scenario.js';
import type { RunPart } from './merge-runs.js';
import { parseRunState, STATE_FILE } from './state.js';

/** A run's log and state grow with its leaves (a few KB each): read up to this much of each file. */
export const MAX_RUN_FILE_BYTES = 256 * 1024 * 1024;
const SEGMENT_FOLDER = /^segment-(\d+)-of-(\d+)$/;

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? String(err);

function kind(path: string): 'folder' | 'file' | 'none' | 'other' {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? 'folder' : stat.isFile() ? 'file' : 'other';
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return 'none';
    throw new Error(`${path}: cannot read (${codeOf(err)})`, { cause: err });
  }
}

/** The run folders `dir` stands for: itself, or the segment folders in it, lowest index first. */
export function runFolders(dir: string): string[] {
  if (kind(dir) !== 'folder') throw new Error(`${dir}: not a folder`);
  if (kind(join(dir, 'summary.json')) === 'file') return [dir];
  const index = (name: string): number => Number(SEGMENT_FOLDER.exec(name)![1]);
  const segments = readdirSync(dir)
    .filter((name) => SEGMENT_FOLDER.test(name) && kind(join(dir, name)) === 'folder')
    .sort((a, b) => index(a) - index(b));
  if (segments.length === 0)
    throw new Error(`${dir}: not a run (no summary.json, and no segment-I-of-N folders in it)`);
  return segments.map((name) => join(dir, name));
}

function text(dir: string, name: string): string {
  const path = join(dir, name);
  const k = kind(path);
  if (k === 'none') throw new Error(`${dir}: not a run this tool can merge (no ${name})`);
  if (k !== 'file') throw new Error(`${path}: not a file`);
  const size = statSync(path).size;
  if (size > MAX_RUN_FILE_BYTES) throw new Error(`${path}: ${size} bytes, more than the ${MAX_RUN_FILE_BYTES} read`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${codeOf(err)})`, { cause: err });
  }
}

function json(dir: string, name: string): unknown {
  const t = text(dir, name);
  try {
    return JSON.parse(t) as unknown;
  } catch (err) {
    const place = placeJsonError(t, err);
    throw new Error(`${join(dir, name)}: invalid JSON at line ${place.line}, column ${place.column}: ${place.reason}`, {
      cause: err,
    });
  }
}

/** One run's folder, checked file by file. */
export function readRunFolder(dir: string): RunPart {
  const raw = json(dir, 'summary.json');
  const problems = summaryProblems(raw);
  if (problems.length > 0) throw new Error(`${join(dir, 'summary.json')}: not a run's summary\n${problems.join('\n')}`);
  const summary = raw as Summary;
  if (summary.merged?.pooled === true)
    throw new Error(`${dir}: pooled repeats already; merge the runs it was made from instead`);
  const scenarioPath = join(dir, 'scenario.resolved.json');
  // A merge runs none of the scenario's auctions: the limits on one process's work are not its to check.
  const checked = validateScenario(json(dir, 'scenario.resolved.json'), scenarioPath, { exchange: false });
  if (!checked.ok) throw new Error(`${scenarioPath}: invalid scenario\n${formatIssues(checked.issues)}`);
  const state = parseRunState(json(dir, STATE_FILE));
  if (Array.isArray(state)) throw new Error(`${join(dir, STATE_FILE)}: not a run state\n${state.join('\n')}`);
  let histograms;
  try {
    histograms = readHlog(text(dir, HLOG_FILE));
  } catch (err) {
    throw new Error(`${join(dir, HLOG_FILE)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { dir, summary, scenario: checked.scenario, state, histograms };
}
