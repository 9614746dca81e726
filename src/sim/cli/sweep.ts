// `npm run sweep -- FILE [flags]`
// Runs every combination of the scenario's `sweep` axes (virtual time unless --mode live) in
// parallel worker processes, writes sweep.json, sweep.md and sweep.html, and names a recommendation.
// Its flags are SWEEP_SPEC (specs.ts), its exit statuses EXIT_CODES (exit-codes.ts): `--help` prints both.

import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseCommand } from './command-spec.js';
import { EXIT } from './exit-codes.js';
import { createProgress } from './progress.js';
import { prepareReportFolder } from './report-root.js';
import { numberFlag } from './number-flag.js';
import { applySetFlags } from './set-flag.js';
import { toolInfo } from './tool-info.js';
import { SWEEP_SPEC } from './specs.js';
import { formatIssues, loadScenarioFile } from '../scenario/scenario.js';
import { buildCells } from '../sweep/cells.js';
import { runCells, type CellRun } from '../sweep/pool.js';
import { repeatJobs, resolveRepeats } from '../sweep/repeats.js';
import { sweepHtml } from '../sweep/sweep-html.js';
import { sweepMarkdown } from '../sweep/sweep-md.js';
import { recommendationText, sweepReport, type CellRuns } from '../sweep/sweep-model.js';
import { DEFAULTS } from '../scenario/schema.js';
import { MAX_REPEATS } from '../scenario/validate.js';
import { evaluateThresholds, thresholdPathIssues } from '../metrics/thresholds.js';
import { fail, stamp } from './common.js';

/** Worker processes: at least one, at most 256 (each is a Node process of its own). */
const WORKERS = { integer: true, min: 1, max: 256 } as const;

/** What a sweep writes into its folder (--force removes these, and only these). */
const SWEEP_FILES = { names: ['sweep.json', 'scenario.resolved.json', 'sweep.md', 'sweep.html'] } as const;
const [SWEEP_JSON, SWEEP_RESOLVED, SWEEP_MD, SWEEP_HTML] = SWEEP_FILES.names;

function parse(): {
  file: string;
  mode: 'virtual' | 'live';
  workers: number | undefined;
  repeats: number | undefined;
  out: string | undefined;
  force: boolean;
  set: string[] | undefined;
} {
  const { values, positionals } = parseCommand(SWEEP_SPEC);
  const mode = values.mode;
  if (mode !== 'virtual' && mode !== 'live') fail(EXIT.badInput, `--mode: must be virtual or live (got "${mode}")`);
  const workers = values.workers === undefined ? undefined : numberFlag('workers', values.workers, WORKERS);
  const repeats =
    values.repeats === undefined
      ? undefined
      : numberFlag('repeats', values.repeats, { integer: true, min: 1, max: MAX_REPEATS });
  return { file: positionals[0]!, mode, workers, repeats, out: values.out, force: values.force, set: values.set };
}

function main(): void {
  const { file, mode, workers, repeats: repeatsFlag, out, force, set } = parse();
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) fail(EXIT.badInput, `${file}: invalid scenario\n${formatIssues(loaded.issues)}`);
  // A --set on a swept field would be overwritten in every cell: refused rather than ignored.
  const base = applySetFlags(loaded.scenario, set, file, Object.keys(loaded.scenario.sweep ?? {}));
  if (base.sweep === null || Object.keys(base.sweep).length === 0)
    fail(EXIT.badInput, `${file}: sweep: the scenario has no sweep axes to run`);
  const pathIssues = thresholdPathIssues(base);
  if (pathIssues.length > 0) fail(EXIT.badInput, `${file}: invalid thresholds\n${formatIssues(pathIssues)}`);
  const built = buildCells(base, mode, resolveRepeats(repeatsFlag, base, mode));
  if (!built.ok) fail(EXIT.badInput, `${file}: invalid sweep\n${formatIssues(built.issues)}`);
  // A threshold may name a leaf that only some cells have (bidders.dsp-16.timeoutRate with 4 leaves).
  for (const cell of built.cells) {
    const issues = thresholdPathIssues(cell.scenario);
    if (issues.length > 0)
      fail(EXIT.badInput, `${file}: invalid thresholds for cell ${cell.index}\n${formatIssues(issues)}`);
  }
  const startedAt = new Date();
  const dir = prepareReportFolder({
    out,
    fallback: join('reports', `${base.name}-sweep-${stamp(startedAt)}`),
    files: SWEEP_FILES,
    force,
  });
  const repeats = resolveRepeats(repeatsFlag, base, mode);
  const objective = base.objective ?? { ...DEFAULTS.objective };
  const jobs = repeatJobs(built.cells, repeats);

  // Live cells measure real timers: cells run side by side would steal each other's CPU and show it
  // as latency, so live runs one cell at a time unless told otherwise.
  const n = workers ?? (mode === 'live' ? 1 : availableParallelism());
  const t0 = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    `sweeping ${base.name}: ${built.cells.length} cells × ${repeats} repeat(s), ${mode}, ${n} worker(s)\n`,
  );
  const progress = createProgress();
  const onDone = (done: number, total: number): void => {
    const sec = elapsed();
    const eta = done > 0 ? (sec / done) * (total - done) : 0;
    progress.update(`${done}/${total} runs  ${sec.toFixed(1)} s  eta ${eta.toFixed(0)} s`);
  };

  runCells(jobs, n, onDone)
    .then((done: CellRun[]) => {
      progress.end();
      const broken = done.filter((r) => r.errors.length > 0);
      if (broken.length > 0) {
        fail(
          EXIT.runFailed,
          broken
            .map((r) => {
              const job = jobs[r.index]!;
              return `cell ${job.cell} (repeat ${job.repeat}): accounting does not add up:\n${r.errors.join('\n')}`;
            })
            .join('\n'),
        );
      }
      // Each repeat's own summary carries its thresholds at its own value, as a run's does.
      for (const r of done) r.summary.thresholds = evaluateThresholds(r.summary, base.thresholds);
      const runs: CellRuns[] = built.cells.map((cell, i) => ({
        index: cell.index,
        values: cell.values,
        repeats: done.slice(i * repeats, (i + 1) * repeats).map((r) => r.summary),
      }));
      const report = {
        ...sweepReport(base, built.axes, runs, objective, startedAt, elapsed()),
        tool: toolInfo(),
      };
      writeFileSync(join(dir, SWEEP_JSON), `${JSON.stringify(report, null, 2)}\n`);
      // The base scenario as it ran (after --set), sweep axes included: running it again repeats the sweep.
      const resolved = { ...base, mode, repeats, objective };
      writeFileSync(join(dir, SWEEP_RESOLVED), `${JSON.stringify(resolved, null, 2)}\n`);
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
    })
    // A failure while writing the report is a failed sweep too (3), never an unhandled rejection.
    .catch((err: unknown) => {
      progress.end();
      fail(EXIT.runFailed, `sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    });
}

main();
