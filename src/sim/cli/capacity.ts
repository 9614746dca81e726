// `npm run capacity -- FILE [flags]`
// Finds the highest open-loop rate at which this machine keeps FILE's harness verdict ok, with short
// live runs (src/sim/capacity/search.ts decides which rates; each probe is runScenario at one rate).
// A virtual scenario's bidders are run live: capacity is a property of live runs. Prints a line per
// probe, the table and the answer; writes capacity.json and capacity.md into --out.
// Its flags are CAPACITY_SPEC (specs.ts), its exit statuses EXIT_CODES (exit-codes.ts).

import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { capacityMarkdown, probeTable } from '../capacity/capacity-md.js';
import { capacityReport, type CapacitySettings } from '../capacity/capacity-model.js';
import { findingOf } from '../capacity/finding.js';
import { probeScenario } from '../capacity/probe-scenario.js';
import { SEARCH_BOUNDS, searchCapacity, settingsProblems, type ProbeFinding } from '../capacity/search.js';
import { accountingErrors } from '../metrics/summary.js';
import { runScenario } from '../run/run-scenario.js';
import { expandLeaves } from '../scenario/bidder-groups.js';
import { formatIssues, loadScenarioFile, type Scenario } from '../scenario/scenario.js';
import { fmtMs, fmtPct } from '../report/format.js';
import { parseCommand } from './command-spec.js';
import { watchLauncher } from './launcher-watch.js';
import { fail, stamp, stopOnSignals } from './common.js';
import { EXIT } from './exit-codes.js';
import { prepareReportFolder } from './report-root.js';
import { numberFlag } from './number-flag.js';
import { applySetFlags } from './set-flag.js';
import { CAPACITY_SPEC } from './specs.js';
import { toolInfo } from './tool-info.js';

/** Bounds of the flags that are no search setting (the search's own are SEARCH_BOUNDS). */
const PROBE_SEC = { min: 1, max: 60 };
const WARMUP_SEC = { min: 0, max: 30 };
/** How far --max and --min lie from --from when not given. */
const SPAN = 64;
/** A pause between probes, so the last one's sockets and child process are gone before the next starts. */
const PAUSE_MS = 300;

function num(flag: string, text: string, bounds: { min: number; max: number }, integer = false): number {
  return numberFlag(flag, text, { ...bounds, integer });
}

interface Parsed {
  file: string;
  scenario: Scenario;
  settings: CapacitySettings;
  out: string | undefined;
  force: boolean;
}

function parse(): Parsed {
  const { values, positionals } = parseCommand(CAPACITY_SPEC);
  const file = positionals[0]!;
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) fail(EXIT.badInput, `${file}: invalid scenario\n${formatIssues(loaded.issues)}`);
  const scenario = applySetFlags(loaded.scenario, values.set, file);
  const { rate } = SEARCH_BOUNDS;
  const seed = values.seed === undefined ? scenario.seed : num('seed', values.seed, { min: 0, max: 2 ** 32 - 1 }, true);
  const from = values.from === undefined ? scenario.load.rate : num('from', values.from, rate);
  const settings: CapacitySettings = {
    from,
    max: values.max === undefined ? Math.min(rate.max, from * SPAN) : num('max', values.max, rate),
    min: values.min === undefined ? Math.max(rate.min, from / SPAN) : num('min', values.min, rate),
    precision: num('precision', values.precision, SEARCH_BOUNDS.precision),
    budget: num('probes', values.probes, SEARCH_BOUNDS.budget, true),
    confirm: !values.once,
    probeSec: num('probe-sec', values['probe-sec'], PROBE_SEC),
    warmupSec: num('warmup', values.warmup, WARMUP_SEC),
    seed,
  };
  // The search's own checks (from between min and max), named by their flags.
  const problems = settingsProblems(settings);
  if (problems.length > 0) fail(EXIT.badInput, problems.map((p) => `--${p}`).join('\n'));
  // A probe that could not run is refused now, not after the first few have.
  for (const r of [settings.min, settings.max]) {
    const probe = probeScenario(scenario, { rate: r, ...settings });
    if (!probe.ok) fail(EXIT.badInput, `${file}: a probe at ${r}/s would be invalid\n${formatIssues(probe.issues)}`);
  }
  return { file, scenario, settings, out: values.out, force: values.force };
}

/** What capacity writes into its folder (--force removes these, and only these). */
const CAPACITY_FILES = { names: ['capacity.json', 'capacity.md'] } as const;
const [CAPACITY_JSON, CAPACITY_MD] = CAPACITY_FILES.names;

const share = (x: number | null): string => (x === null ? 'n/a' : fmtPct(x));

function probeLine(n: number, f: ProbeFinding): string {
  const why = f.verdict === 'ok' ? '' : `: ${f.reasons[0] ?? 'no reason given'}`;
  return (
    `probe ${n} at ${f.rate}/s: ${f.verdict}${why}  (exchange ${share(f.exchangeUtilisation)}, ` +
    `net of spin ${share(f.exchangeUtilisationNetOfSpin)}, host ${share(f.bidderHostUtilisation)}, ` +
    `auction p99 ${fmtMs(f.auctionP99Ms)} ms, timeouts ${fmtPct(f.timeoutRate)})`
  );
}

async function main(): Promise<void> {
  const { file, scenario, settings, out, force } = parse();
  const started = new Date();
  // Made and checked before minutes of probes: a folder that cannot be written is exit 2 now.
  const dir = prepareReportFolder({
    out,
    fallback: join('reports', `${scenario.name}-capacity-${stamp(started)}`),
    files: CAPACITY_FILES,
    force,
  });

  const stopper = stopOnSignals('stopping after the probe in flight...');
  // Killing npm alone leaves the search with nobody to read it: stop as on SIGTERM.
  watchLauncher((launcher) =>
    stopper.stop(
      EXIT.sigterm,
      `\nthe process that started this search (pid ${launcher}) is gone: stopping after the probe in flight...\n`,
    ),
  );

  const leaves = expandLeaves(scenario).length;
  const live =
    scenario.mode === 'virtual' ? ' (the scenario is virtual; capacity is a live property, so it runs live)' : '';
  process.stdout.write(
    `capacity of ${scenario.name}: live probes of ${settings.warmupSec} + ${settings.probeSec} s from ${settings.from}/s, ` +
      `between ${settings.min} and ${settings.max}/s, seed ${settings.seed}${live}\n`,
  );
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  let n = 0;
  const probe = async (rate: number): Promise<ProbeFinding | null> => {
    if (n > 0) await new Promise((r) => setTimeout(r, PAUSE_MS));
    n++;
    const made = probeScenario(scenario, { rate, ...settings });
    if (!made.ok) throw new Error(`a probe at ${rate}/s is invalid:\n${formatIssues(made.issues)}`);
    const result = await runScenario(made.scenario, { signal: stopper.signal });
    if (result.stoppedBy === 'signal') return null;
    if (result.stoppedBy === 'host-died')
      throw new Error(`probe ${n} at ${rate}/s: ${result.message ?? 'the bidder host died'}`);
    const broken = [...accountingErrors(result.summary, leaves), ...result.invariantViolations];
    if (broken.length > 0) throw new Error(`probe ${n} at ${rate}/s did not add up:\n${broken.join('\n')}`);
    const found = findingOf(rate, result.summary);
    process.stdout.write(`${probeLine(n, found)}\n`);
    return found;
  };

  let result;
  try {
    result = await searchCapacity(settings, probe, () => stopper.signal.aborted);
  } catch (err) {
    fail(EXIT.runFailed, `capacity: ${err instanceof Error ? err.message : String(err)}`);
  }
  const report = capacityReport({
    scenario: scenario.name,
    file,
    startedAt: started,
    scenarioMode: scenario.mode,
    settings,
    result,
    loadAverage: { start: loadStart, end: loadavg().map((x) => Math.round(x * 100) / 100) },
    tool: toolInfo(),
  });
  try {
    writeFileSync(join(dir, CAPACITY_JSON), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, CAPACITY_MD), capacityMarkdown(report));
  } catch (err) {
    fail(EXIT.runFailed, `cannot write ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(`\n${probeTable(report.probes)}\n\n${report.answer}\nwritten: ${join(dir, CAPACITY_JSON)}\n`);
  if (stopper.status() !== 0) process.exit(stopper.status());
  process.exit(report.capacity === null ? EXIT.checkFailed : EXIT.ok);
}

// Anything that escapes is a failed command: 3, with the reason.
main().catch((err: unknown) =>
  fail(EXIT.runFailed, `capacity failed: ${err instanceof Error ? err.message : String(err)}`),
);
