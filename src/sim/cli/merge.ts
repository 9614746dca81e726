// `npm run merge -- DIR... [--out DIR]`
// Reads runs' report folders (summary.json, scenario.resolved.json, run-state.json and
// histograms.hlog), adds them up into one run (src/sim/merge/merge-runs.ts) and writes its report
// folder as `npm run sim` does. A folder without summary.json that holds segment-I-of-N folders (a
// segmented run's --out) stands for them. Flags: MERGE_SPEC (specs.ts).

import { join } from 'node:path';
import { mergeRuns } from '../merge/merge-runs.js';
import { readRunFolder, runFolders } from '../merge/read-run.js';
import { REPORT_FILES, writeReports } from '../report/write-reports.js';
import { parseCommand } from './command-spec.js';
import { fail, stamp } from './common.js';
import { EXIT } from './exit-codes.js';
import { prepareReportFolder } from './report-root.js';
import { MERGE_SPEC } from './specs.js';
import { harnessWarning, summaryTable } from './terminal.js';

function main(): void {
  const { values, positionals } = parseCommand(MERGE_SPEC);
  let parts;
  try {
    parts = positionals.flatMap(runFolders).map(readRunFolder);
  } catch (err) {
    fail(EXIT.badInput, err instanceof Error ? err.message : String(err));
  }
  const outcome = mergeRuns(parts);
  if (!outcome.ok) {
    if (outcome.kind === 'refused') fail(EXIT.badInput, `cannot merge these runs:\n${outcome.problems.join('\n')}`);
    fail(EXIT.runFailed, `refusing to write a merge whose accounting does not add up:\n${outcome.problems.join('\n')}`);
  }
  const { result } = outcome;
  const summary = result.summary;
  const dir = prepareReportFolder({
    out: values.out,
    fallback: join('reports', `${summary.scenario}-merged-${stamp(new Date())}`),
    files: REPORT_FILES,
    force: values.force,
  });
  try {
    writeReports(dir, result);
  } catch (err) {
    fail(EXIT.runFailed, `the report could not be written: ${err instanceof Error ? err.message : String(err)}`);
  }
  const merged = summary.merged!;
  const segments = Object.values(merged.segments);
  const what = merged.pooled
    ? `${merged.seeds.length} repeats pooled (seeds ${merged.seeds.join(', ')}): one sample of the scenario, not one run`
    : segments[0]! > 1
      ? `${segments[0]} segments of one run (seed ${merged.seeds[0]})`
      : `one run (seed ${merged.seeds[0]})`;
  process.stdout.write(`merged ${merged.runs} run folder(s): ${what}\n`);
  const warning = harnessWarning(summary);
  if (warning.length > 0) process.stderr.write(`${warning.join('\n')}\n`);
  process.stdout.write(`${summaryTable(summary)}\n\nreport: ${dir}\n`);
  process.exit(summary.thresholds.every((t) => t.pass) ? EXIT.ok : EXIT.checkFailed);
}

main();
