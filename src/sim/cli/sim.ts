// `npm run sim -- [FILE] [--seed N] [--mode live|virtual] [--rate R] [--duration S] [--tmax MS]
//                 [--out DIR] [--bidders ws://host:port]`
// Runs a scenario (scenarios/baseline.json by default) and writes its report folder.
// Exit status: 0 ok, 1 a threshold failed, 2 bad input, 3 the run broke an invariant or failed,
// 130/143 stopped by SIGINT/SIGTERM (after writing a partial report).

import { join, resolve } from 'node:path';
import { parseCliArgs } from './args.js';
import { runScenario } from '../run/run-scenario.js';
import { applyOverrides, formatIssues, loadScenarioFile, type Scenario } from '../scenario/scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { ensureDir } from '../../lib/ensure-dir.js';
import { writeReports } from '../report/write-reports.js';
import { accountingErrors, type Summary } from '../metrics/summary.js';
import { progressLine, summaryTable } from './terminal.js';
import { evaluateThresholds, thresholdPathIssues } from '../metrics/thresholds.js';
import { fail, stamp } from './common.js';

const USAGE =
  'usage: npm run sim -- [scenario.json] [--seed N] [--mode live|virtual] [--rate R] [--duration S] [--tmax MS] [--out DIR] [--bidders URL]';

/** A number flag, or a bad-input error naming the flag. */
function num(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(2, `--${flag}: must be a number (got "${value}")`);
  return n;
}

function parse(): { scenario: Scenario; out: string | undefined; bidders: string | undefined } {
  let args;
  try {
    args = parseCliArgs({
      allowPositionals: true,
      options: {
        seed: { type: 'string' },
        mode: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        tmax: { type: 'string' },
        out: { type: 'string' },
        bidders: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail(2, `${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const { values, positionals } = args;
  if (values.help) fail(0, USAGE);
  if (positionals.length > 1) fail(2, `expected at most one scenario file, got ${positionals.length}\n${USAGE}`);
  const file = positionals[0] ?? 'scenarios/baseline.json';
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) fail(2, `${file}: invalid scenario\n${formatIssues(loaded.issues)}`);
  const mode = values.mode;
  if (mode !== undefined && mode !== 'live' && mode !== 'virtual')
    fail(2, `--mode: must be live or virtual (got "${mode}")`);
  const over = applyOverrides(loaded.scenario, {
    seed: num('seed', values.seed),
    mode,
    rate: num('rate', values.rate),
    durationSec: num('duration', values.duration),
    tmaxMs: num('tmax', values.tmax),
  });
  if (!over.ok) fail(2, `${file}: invalid after command-line overrides\n${formatIssues(over.issues)}`);
  const pathIssues = thresholdPathIssues(over.scenario);
  if (pathIssues.length > 0) fail(2, `${file}: invalid thresholds\n${formatIssues(pathIssues)}`);
  return { scenario: over.scenario, out: values.out, bidders: values.bidders };
}

async function main(): Promise<void> {
  const { scenario, out, bidders } = parse();
  // A report folder that cannot be made is bad input: say so before anything runs.
  try {
    ensureDir(out ?? 'reports');
  } catch (err) {
    fail(2, `${out === undefined ? 'reports' : '--out'}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const abort = new AbortController();
  let signalStatus = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signalStatus = sig === 'SIGINT' ? 130 : 143;
    process.stderr.write(`\n${sig}: stopping arrivals, closing auctions in flight at their deadlines...\n`);
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const tty = process.stdout.isTTY === true;
  process.stdout.write(`running ${scenario.name} (${scenario.mode}, seed ${scenario.seed})\n`);
  let result;
  try {
    result = await runScenario(scenario, {
      signal: abort.signal,
      ...(bidders !== undefined ? { biddersUrl: bidders } : {}),
      onProgress: (p) => {
        if (tty) process.stdout.write(`\r\x1b[K${progressLine(p)}`);
        else process.stdout.write(`${progressLine(p)}\n`);
      },
    });
  } catch (err) {
    fail(3, `run failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (tty) process.stdout.write('\r\x1b[K');
  const summary: Summary = result.summary;
  summary.thresholds = evaluateThresholds(summary, scenario.thresholds);
  const errors = accountingErrors(summary, expandLeaves(scenario).length);
  if (errors.length > 0) fail(3, `refusing to write a summary whose accounting does not add up:\n${errors.join('\n')}`);
  const broken = result.invariantViolations;
  if (broken.length > 0)
    fail(3, `refusing to write the report of a run that broke ${broken.length} invariant(s):\n${broken.join('\n')}`);

  const dir = resolve(out ?? join('reports', `${scenario.name}-${stamp(new Date(summary.startedAt))}`));
  writeReports(dir, result);
  process.stdout.write(`${summaryTable(summary)}\n\nreport: ${dir}\n`);
  if (result.message !== null) process.stderr.write(`${result.message}\n`);
  if (result.stoppedBy === 'host-died') process.exit(3);
  if (signalStatus !== 0) process.exit(signalStatus);
  process.exit(summary.thresholds.some((t) => !t.pass) ? 1 : 0);
}

// Anything that escapes (a report that cannot be written, say) is a failed run: 3, with the reason.
main().catch((err: unknown) => fail(3, `run failed: ${err instanceof Error ? err.message : String(err)}`));
