// `npm run sim -- [FILE] [flags]`
// Runs a scenario (scenarios/baseline.json by default) and writes its report folder.
// Its flags are SIM_SPEC (specs.ts), its exit statuses EXIT_CODES (exit-codes.ts): `--help` prints both.

import { join } from 'node:path';
import { parseCommand } from './command-spec.js';
import { EXIT, simExitStatus } from './exit-codes.js';
import { createProgress } from './progress.js';
import { SIM_SPEC } from './specs.js';
import { runScenario } from '../run/run-scenario.js';
import { applyOverrides, formatIssues, isExternal, loadScenarioFile, type Scenario } from '../scenario/scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { prepareReportFolder } from './report-root.js';
import { checkBiddersUrl, withLocalToken } from './bidder-host-flags.js';
import { numberFlag } from './number-flag.js';
import { watchLauncher } from './launcher-watch.js';
import { applySetFlags } from './set-flag.js';
import { toolInfo } from './tool-info.js';
import { REPORT_FILES, writeReports } from '../report/write-reports.js';
import { accountingErrors, type Summary } from '../metrics/summary.js';
import { harnessWarning, progressLine, summaryTable } from './terminal.js';
import { evaluateThresholds, thresholdPathIssues } from '../metrics/thresholds.js';
import { fail, stamp, stopOnSignals } from './common.js';
import { segmentFolder, segmentFromFlags } from './segment-flag.js';
import type { Segment } from '../run/arrivals.js';
import { runProcesses } from './processes.js';
import { LIMITS } from '../scenario/limits.js';
import { segmentNote } from '../scenario/segment-state.js';

/** A number flag (plain decimal), or a bad-input error naming the flag; its range is the scenario validator's. */
function num(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : numberFlag(flag, value);
}

interface Parsed {
  scenario: Scenario;
  out: string | undefined;
  force: boolean;
  bidders: string | undefined;
  strict: boolean;
  segment: Segment;
  /** --start-at: when a live run's arrivals begin (ms since 1970). */
  startAt: number | undefined;
  /** --processes K and --hosts M; null without --processes. */
  processes: { count: number; hosts: number } | null;
}

function parse(): Parsed {
  const { values, positionals } = parseCommand(SIM_SPEC);
  const segment = segmentFromFlags(values.segment, values.segments, process.env);
  if (typeof segment === 'string') fail(EXIT.badInput, segment);
  const bounds = { integer: true, min: 1, max: LIMITS.processes };
  const processes = values.processes === undefined ? null : numberFlag('processes', values.processes, bounds);
  const hosts = values.hosts === undefined ? null : numberFlag('hosts', values.hosts, bounds);
  const now = Date.now();
  const startAt =
    values['start-at'] === undefined
      ? undefined
      : numberFlag('start-at', values['start-at'], { integer: true, min: 0, max: now + LIMITS.startAheadMs });
  if (processes !== null && segment.count > 1)
    fail(EXIT.badInput, '--processes and --segment/--segments: give one (--processes runs every segment itself)');
  if (hosts !== null && processes === null) fail(EXIT.badInput, '--hosts: needs --processes');
  if (hosts !== null && values.bidders !== undefined)
    fail(EXIT.badInput, '--hosts and --bidders: give one (--bidders names a host already running)');
  const file = positionals[0] ?? SIM_SPEC.args[0].absent;
  // The limits on one process's work apply to one segment's share of the run, in the mode it runs in:
  // checked once the overrides (--mode among them) are applied.
  // --processes K starts M hosts (1 by default) that every segment shares, unless --bidders names some.
  const checking =
    processes === null
      ? { segments: segment.count }
      : { segments: processes, ...(values.bidders === undefined ? { hosts: hosts ?? 1 } : {}) };
  const loaded = loadScenarioFile(file, { exchange: false });
  if (!loaded.ok) fail(EXIT.badInput, `${file}: invalid scenario\n${formatIssues(loaded.issues)}`);
  const mode = values.mode;
  if (mode !== undefined && mode !== 'live' && mode !== 'virtual')
    fail(EXIT.badInput, `--mode: must be live or virtual (got "${mode}")`);
  const over = applyOverrides(
    applySetFlags(loaded.scenario, values.set, file, [], { exchange: false }),
    {
      seed: num('seed', values.seed),
      mode,
      rate: num('rate', values.rate),
      durationSec: num('duration', values.duration),
      tmaxMs: num('tmax', values.tmax),
    },
    checking,
  );
  if (!over.ok) fail(EXIT.badInput, `${file}: invalid after command-line overrides\n${formatIssues(over.issues)}`);
  const scenario = values.token === undefined ? over.scenario : withLocalToken(over.scenario, values.token, checking);
  const pathIssues = thresholdPathIssues(scenario);
  if (pathIssues.length > 0) fail(EXIT.badInput, `${file}: invalid thresholds\n${formatIssues(pathIssues)}`);
  const bidders = values.bidders === undefined ? undefined : checkBiddersUrl(values.bidders);
  // A flag that would change nothing is a mistake to say, not to ignore.
  if (bidders !== undefined && scenario.mode === 'virtual')
    fail(EXIT.badInput, '--bidders: a virtual run simulates its bidders and calls no host (run it with --mode live)');
  if (bidders !== undefined && !scenario.bidders.some((g) => !isExternal(g) && g.hosts === undefined))
    fail(
      EXIT.badInput,
      `--bidders: no group is served from it: every group has a url or names its own hosts (${file})`,
    );
  return {
    scenario,
    out: values.out,
    force: values.force,
    bidders,
    strict: values.strict,
    segment,
    processes: processes === null ? null : { count: processes, hosts: hosts ?? 1 },
    startAt,
  };
}

async function main(): Promise<void> {
  const { scenario, out, force, bidders, strict, segment, processes, startAt } = parse();
  // A report folder that cannot be made or written, or that holds another run's files, is bad input:
  // said before anything runs. Without --out the folder is new, even for two runs in the same second.
  // A segment writes into a folder of its own inside the run's, so the segments can share one --out.
  const whole = segment.count === 1;
  const fallback = join('reports', `${scenario.name}-${stamp(new Date())}`);
  const dir = prepareReportFolder({
    out: whole || out === undefined ? out : join(out, segmentFolder(segment)),
    fallback: whole ? fallback : join(fallback, segmentFolder(segment)),
    files: REPORT_FILES,
    force,
  });

  const stopper = stopOnSignals('stopping arrivals, closing auctions in flight at their deadlines...');
  // Killing npm alone (or the shell of `sh -c`) leaves this run with nobody to read it: stop as on SIGTERM.
  watchLauncher((launcher) =>
    stopper.stop(
      EXIT.sigterm,
      `\nthe process that started this run (pid ${launcher}) is gone: stopping, as on SIGTERM...\n`,
    ),
  );
  // A terminal or pipe that closed under the run must not cost the report: its writes fail quietly.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  const share = whole ? '' : `, segment ${segment.index} of ${segment.count}`;
  const spread = processes === null ? '' : `, ${processes.count} process(es)`;
  process.stdout.write(`running ${scenario.name} (${scenario.mode}, seed ${scenario.seed}${share}${spread})\n`);
  // --processes starts the hosts its segments share.
  const note =
    processes === null
      ? segmentNote(scenario, segment.count, bidders !== undefined)
      : segmentNote(scenario, processes.count, true);
  if (note !== null) process.stderr.write(`${note}\n`);
  const progress = createProgress();
  let result;
  try {
    result =
      processes === null
        ? await runScenario(scenario, {
            signal: stopper.signal,
            segment,
            ...(bidders !== undefined ? { biddersUrl: bidders } : {}),
            ...(startAt !== undefined ? { startAtEpochMs: startAt } : {}),
            onProgress: (p) => progress.update(progressLine(p)),
          })
        : await runProcesses({
            scenario,
            dir,
            processes: processes.count,
            hosts: processes.hosts,
            ...(bidders !== undefined ? { bidders } : {}),
            signal: stopper.signal,
            say: (line) => process.stdout.write(`${line}\n`),
          });
  } catch (err) {
    progress.end();
    fail(EXIT.runFailed, `run failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  progress.end();
  const summary: Summary = result.summary;
  summary.thresholds = evaluateThresholds(summary, scenario.thresholds);
  const errors = accountingErrors(summary, expandLeaves(scenario).length);
  if (errors.length > 0)
    fail(EXIT.runFailed, `refusing to write a summary whose accounting does not add up:\n${errors.join('\n')}`);
  const broken = result.invariantViolations;
  if (broken.length > 0)
    fail(
      EXIT.runFailed,
      `refusing to write the report of a run that broke ${broken.length} invariant(s):\n${broken.join('\n')}`,
    );

  summary.tool = toolInfo();
  writeReports(dir, result);
  const warning = harnessWarning(summary);
  if (warning.length > 0) process.stderr.write(`${warning.join('\n')}\n`);
  process.stdout.write(`${summaryTable(summary)}\n\nreport: ${dir}\n`);
  if (result.message !== null) process.stderr.write(`${result.message}\n`);
  process.exit(
    simExitStatus({
      hostDied: result.stoppedBy === 'host-died',
      signalStatus: stopper.status(),
      strict,
      harness: summary.harness?.verdict,
      thresholdsPass: summary.thresholds.every((t) => t.pass),
    }),
  );
}

// Anything that escapes (a report that cannot be written, say) is a failed run: 3, with the reason.
main().catch((err: unknown) => fail(EXIT.runFailed, `run failed: ${err instanceof Error ? err.message : String(err)}`));
