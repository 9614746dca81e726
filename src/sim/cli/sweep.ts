// `npm run sweep -- FILE [flags]`
// Runs every combination of the scenario's `sweep` axes (virtual time unless --mode live) in
// parallel worker processes, writes sweep.json, sweep.md and sweep.html, and names a recommendation.
// With `--shard i/n` (or `--shards n` and JOB_COMPLETION_INDEX) it runs only its share of the runs and
// writes shard.json; `npm run sweep -- --merge DIR... --out DIR` turns all n shards into the reports.
// Its flags are SWEEP_SPEC (specs.ts), its exit statuses EXIT_CODES (exit-codes.ts): `--help` prints both.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommand } from './command-spec.js';
import { EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { prepareReportFolder } from './report-root.js';
import { numberFlag } from './number-flag.js';
import { applySetFlags } from './set-flag.js';
import { toolInfo } from './tool-info.js';
import { SWEEP_SPEC } from './specs.js';
import { formatIssues, loadScenarioFile, validateScenario } from '../scenario/scenario.js';
import { buildCells, type Axis } from '../sweep/cells.js';
import { traceFileIssues } from '../scenario/trace-file.js';
import { runCells, type CellRun } from '../sweep/pool.js';
import { repeatJobs, resolveRepeats, type RunJob } from '../sweep/repeats.js';
import {
  mergeShards,
  readShardFile,
  isShardFolder,
  resolveShard,
  SHARD_FORMAT,
  shardFolder,
  shardJobs,
  sweepId,
  type Shard,
  type ShardFile,
} from '../sweep/shard.js';
import { sweepHtml } from '../sweep/sweep-html.js';
import { sweepMarkdown } from '../sweep/sweep-md.js';
import { recommendationText, sweepReport, type CellRuns } from '../sweep/sweep-model.js';
import { DEFAULTS, type ObjectiveSpec, type Scenario } from '../scenario/schema.js';
import { MAX_REPEATS } from '../scenario/validate.js';
import { evaluateThresholds, thresholdPathIssues } from '../metrics/thresholds.js';
import type { Summary } from '../metrics/summary.js';
import { watchLauncher } from './launcher-watch.js';
import { fail, stamp } from './common.js';

/** Worker processes: at least one, at most 256 (each is a Node process of its own). */
const WORKERS = { integer: true, min: 1, max: 256 } as const;

/** What a sweep writes into its folder (--force removes these, and only these). */
const SWEEP_FILES = { names: ['sweep.json', 'scenario.resolved.json', 'sweep.md', 'sweep.html'] } as const;
const [SWEEP_JSON, SWEEP_RESOLVED, SWEEP_MD, SWEEP_HTML] = SWEEP_FILES.names;

/** What a shard writes into its folder: its runs' summaries, for --merge. */
const SHARD_FILES = { names: ['shard.json'] } as const;
const [SHARD_JSON] = SHARD_FILES.names;

interface Flags {
  /** The scenario file, or with --merge the shard folders. */
  paths: string[];
  merge: boolean;
  shard: Shard | null;
  /** The flag that gave the shard, for messages: --shard or --shards. */
  shardFlag: string;
  mode: 'virtual' | 'live';
  workers: number | undefined;
  repeats: number | undefined;
  out: string | undefined;
  force: boolean;
  set: string[] | undefined;
}

function parse(): Flags {
  const { values, positionals } = parseCommand(SWEEP_SPEC);
  const mode = values.mode;
  if (mode !== 'virtual' && mode !== 'live') fail(EXIT.badInput, `--mode: must be virtual or live (got "${mode}")`);
  const workers = values.workers === undefined ? undefined : numberFlag('workers', values.workers, WORKERS);
  const repeats =
    values.repeats === undefined
      ? undefined
      : numberFlag('repeats', values.repeats, { integer: true, min: 1, max: MAX_REPEATS });
  const shard = resolveShard({ shard: values.shard, shards: values.shards }, process.env);
  if (!shard.ok) fail(EXIT.badInput, shard.message);
  if (values.merge) {
    // The shards ran these already: given again they would mean nothing, so they are refused.
    const ran = { set: values.set, repeats: values.repeats, workers: values.workers, shard: values.shard };
    const given = Object.entries({ ...ran, shards: values.shards }).find(([, v]) => v !== undefined);
    if (given !== undefined)
      fail(EXIT.badInput, `--${given[0]}: not with --merge, which takes what the shards ran from their shard.json`);
  } else if (positionals.length !== 1) {
    fail(EXIT.badInput, `FILE: give one scenario file (got ${positionals.length}); --merge takes shard folders`);
  }
  return {
    paths: positionals,
    merge: values.merge,
    shard: shard.shard,
    shardFlag: values.shard !== undefined ? '--shard' : '--shards',
    mode,
    workers,
    repeats,
    out: values.out,
    force: values.force,
    set: values.set,
  };
}

/** What a whole sweep's reports are made from: the base scenario, its cells and every run's summary. */
interface SweepRuns {
  base: Scenario;
  axes: Axis[];
  cells: ReadonlyArray<{ index: number; values: unknown[] }>;
  repeats: number;
  objective: ObjectiveSpec;
  /** One summary per run, in job order (cell by cell, repeat by repeat). */
  summaries: Summary[];
  /** What scenario.resolved.json holds. */
  resolved: Record<string, unknown>;
  startedAt: Date;
  wallSec: number;
}

/** Writes sweep.json, scenario.resolved.json, sweep.md and sweep.html, prints the recommendation and exits. */
function writeSweep(dir: string, w: SweepRuns): never {
  const { base, repeats, summaries } = w;
  // Each repeat's own summary carries its thresholds at its own value, as a run's does.
  for (const s of summaries) s.thresholds = evaluateThresholds(s, base.thresholds);
  const runs: CellRuns[] = w.cells.map((cell, i) => ({
    index: cell.index,
    values: cell.values,
    repeats: summaries.slice(i * repeats, (i + 1) * repeats),
  }));
  const report = {
    ...sweepReport(base, w.axes, runs, w.objective, w.startedAt, w.wallSec),
    tool: toolInfo(),
  };
  writeFileSync(join(dir, SWEEP_JSON), `${JSON.stringify(report, null, 2)}\n`);
  // The base scenario as it ran (after --set), sweep axes included: running it again repeats the sweep.
  writeFileSync(join(dir, SWEEP_RESOLVED), `${JSON.stringify(w.resolved, null, 2)}\n`);
  writeFileSync(join(dir, SWEEP_MD), sweepMarkdown(report));
  writeFileSync(join(dir, SWEEP_HTML), sweepHtml(report));
  const rec = report.recommendation;
  process.stdout.write(`${report.cells.length} cells × ${repeats} repeat(s) in ${report.wallSec} s\n`);
  process.stdout.write(
    rec.found
      ? `RECOMMENDATION: cell ${rec.index}: ${recommendationText(report)}\n`
      : `NO RECOMMENDATION: ${rec.reason}\n`,
  );
  process.stdout.write(`${rec.why}\n`);
  process.stdout.write(`report: ${dir}\n`);
  process.exit(rec.found ? EXIT.ok : EXIT.checkFailed);
}

function runSweep(flags: Flags): void {
  const { mode, workers, repeats: repeatsFlag, out, force, set, shard } = flags;
  const file = flags.paths[0]!;
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) fail(EXIT.badInput, `${file}: invalid scenario\n${formatIssues(loaded.issues)}`);
  // A --set on a swept field would be overwritten in every cell: refused rather than ignored.
  const base = applySetFlags(loaded.scenario, set, file, Object.keys(loaded.scenario.sweep ?? {}));
  if (base.sweep === null || Object.keys(base.sweep).length === 0) {
    if (shard !== null) fail(EXIT.badInput, `${flags.shardFlag}: ${file} has no sweep axes to split into shards`);
    fail(EXIT.badInput, `${file}: sweep: the scenario has no sweep axes to run`);
  }
  const pathIssues = thresholdPathIssues(base);
  if (pathIssues.length > 0) fail(EXIT.badInput, `${file}: invalid thresholds\n${formatIssues(pathIssues)}`);
  const built = buildCells(base, mode, resolveRepeats(repeatsFlag, base, mode), file);
  if (!built.ok) fail(EXIT.badInput, `${file}: invalid sweep\n${formatIssues(built.issues)}`);
  // A trace file a cell replays that the base does not (a load.trace or load.arrival axis), each read once.
  const tracesRead = new Set([base.load.arrival === 'trace' ? base.load.trace : null]);
  for (const cell of built.cells) {
    const l = cell.scenario.load;
    if (l.arrival !== 'trace' || tracesRead.has(l.trace)) continue;
    tracesRead.add(l.trace);
    const issues = traceFileIssues(cell.scenario);
    if (issues.length > 0)
      fail(EXIT.badInput, `${file}: invalid trace for cell ${cell.index}\n${formatIssues(issues)}`);
  }
  // A threshold may name a leaf that only some cells have (bidders.dsp-16.timeoutRate with 4 leaves).
  for (const cell of built.cells) {
    const issues = thresholdPathIssues(cell.scenario);
    if (issues.length > 0)
      fail(EXIT.badInput, `${file}: invalid thresholds for cell ${cell.index}\n${formatIssues(issues)}`);
  }
  const startedAt = new Date();
  const fallback = join('reports', `${base.name}-sweep-${stamp(startedAt)}`);
  // A shard writes into a folder of its own inside the sweep's, so the shards can share one --out.
  const inside = (d: string | undefined): string | undefined =>
    shard === null || d === undefined ? d : join(d, shardFolder(shard));
  const dir = prepareReportFolder({
    out: inside(out),
    fallback: inside(fallback)!,
    files: shard === null ? SWEEP_FILES : SHARD_FILES,
    force,
  });
  const repeats = resolveRepeats(repeatsFlag, base, mode);
  const objective = base.objective ?? { ...DEFAULTS.objective };
  const all = repeatJobs(built.cells, repeats);
  const jobs: RunJob[] = shard === null ? all : shardJobs(all, shard);
  const resolved: Record<string, unknown> = { ...base, mode, repeats, objective };

  // Live cells measure real timers: cells run side by side would steal each other's CPU and show it
  // as latency, so live runs one cell at a time unless told otherwise.
  // Killing npm alone leaves this sweep with nobody to read it: stop, and the workers go with it
  // (each exits when this process, its parent, is gone).
  watchLauncher((launcher) => {
    fail(EXIT.sigterm, `the process that started this sweep (pid ${launcher}) is gone: stopping, as on SIGTERM`);
  });
  const n = workers ?? (mode === 'live' ? 1 : availableParallelism());
  const t0 = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  const share = shard === null ? '' : `, shard ${shard.index}/${shard.count}: ${jobs.length} of ${all.length} runs`;
  process.stdout.write(
    `sweeping ${base.name}: ${built.cells.length} cells × ${repeats} repeat(s), ${mode}, ${n} worker(s)${share}\n`,
  );
  const progress = createProgress();
  const onDone = (done: number, total: number): void => {
    const sec = elapsed();
    const eta = done > 0 ? (sec / done) * (total - done) : 0;
    progress.update(`${done}/${total} runs  ${sec.toFixed(1)} s  eta ${eta.toFixed(0)} s`);
  };

  const ran = jobs.length === 0 ? Promise.resolve<CellRun[]>([]) : runCells(jobs, n, onDone);
  ran
    .then((done: CellRun[]) => {
      progress.end();
      const broken = done.map((r, i) => ({ r, job: jobs[i]! })).filter(({ r }) => r.errors.length > 0);
      if (broken.length > 0) {
        fail(
          EXIT.runFailed,
          broken
            .map(
              ({ r, job }) =>
                `cell ${job.cell} (repeat ${job.repeat}): accounting does not add up:\n${r.errors.join('\n')}`,
            )
            .join('\n'),
        );
      }
      if (shard === null) {
        writeSweep(dir, {
          base,
          axes: built.axes,
          cells: built.cells,
          repeats,
          objective,
          summaries: done.map((r) => r.summary),
          resolved,
          startedAt,
          wallSec: elapsed(),
        });
      }
      const record: ShardFile = {
        format: SHARD_FORMAT,
        sweep: sweepId(resolved),
        shard,
        runs: all.length,
        resolved,
        startedAt: startedAt.toISOString(),
        wallSec: Math.round(elapsed() * 100) / 100,
        results: done.map((r, i) => {
          const job = jobs[i]!;
          return { index: job.index, cell: job.cell, repeat: job.repeat, summary: r.summary };
        }),
      };
      writeFileSync(join(dir, SHARD_JSON), `${JSON.stringify(record)}\n`);
      process.stdout.write(`shard ${shard.index}/${shard.count}: ${jobs.length} runs in ${record.wallSec} s\n`);
      process.stdout.write(`shard: ${dir} (merge all ${shard.count} with npm run sweep -- --merge DIR... --out DIR)\n`);
      process.exit(EXIT.ok);
    })
    // A failure while writing the report is a failed sweep too (3), never an unhandled rejection.
    .catch((err: unknown) => {
      progress.end();
      fail(EXIT.runFailed, `sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    });
}

/** A shard folder's shard.json, read and checked, or exit 2 naming --merge and the folder. */
function readShard(dir: string): ShardFile {
  const path = join(dir, SHARD_JSON);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    fail(EXIT.badInput, `--merge: ${dir} is not a sweep shard: ${path} cannot be read (${why})`);
  }
  const read = readShardFile(value);
  if (!read.ok) fail(EXIT.badInput, `--merge: ${path} ${read.message}`);
  return read.file;
}

/** A --merge argument's shard folders: itself when it holds a shard.json, else the shard folders in it. */
function shardDirs(path: string): string[] {
  const dir = resolve(path);
  if (existsSync(join(dir, SHARD_JSON))) return [dir];
  let inside: string[] = [];
  try {
    inside = readdirSync(dir).filter(isShardFolder).sort();
  } catch {
    // Not a folder that can be listed: readShard names it.
  }
  return inside.length > 0 ? inside.map((name) => join(dir, name)) : [dir];
}

function mergeSweep(flags: Flags): void {
  const dirs = flags.paths.flatMap(shardDirs);
  const files = dirs.map(readShard);
  const merged = mergeShards(files, dirs);
  if (!merged.ok) fail(EXIT.badInput, `--merge: ${merged.message}`);
  const resolved = files[0]!.resolved;
  const checked = validateScenario(resolved, join(dirs[0]!, SHARD_JSON));
  if (!checked.ok) fail(EXIT.badInput, `--merge: ${dirs[0]}: the shard's scenario\n${formatIssues(checked.issues)}`);
  const base = checked.scenario;
  const repeats = resolveRepeats(undefined, base, base.mode);
  const built = buildCells(base, base.mode, repeats);
  if (!built.ok) fail(EXIT.badInput, `--merge: ${dirs[0]}: the shard's sweep\n${formatIssues(built.issues)}`);
  const dir = prepareReportFolder({
    out: flags.out,
    fallback: join('reports', `${base.name}-sweep-${stamp(merged.startedAt)}`),
    files: SWEEP_FILES,
    force: flags.force,
  });
  process.stdout.write(`merging ${files.length} shard(s) of ${base.name}: ${merged.results.length} runs\n`);
  writeSweep(dir, {
    base,
    axes: built.axes,
    cells: built.cells,
    repeats,
    objective: base.objective ?? { ...DEFAULTS.objective },
    summaries: merged.results.map((r) => r.summary),
    resolved,
    startedAt: merged.startedAt,
    wallSec: merged.wallSec,
  });
}

function main(): void {
  const flags = parse();
  if (flags.merge) mergeSweep(flags);
  else runSweep(flags);
}

main();
