// The flags of each command under src/sim/cli, from which its parser and its --help are made
// (command-spec.ts). bench/run.ts declares its own the same way. Defaults that are fixed values are
// given to the parser here; those that come from the scenario are only described.

import type { CommandSpec } from './command-spec.js';
import { DEFAULTS } from '../scenario/schema.js';
import { SET_FLAG } from './set-flag.js';

const scenarios = (value: string | number | null): string => `the scenario's, else ${value}`;

/** --force, for every command that writes a report folder. */
export const FORCE_FLAG = {
  name: 'force',
  meaning:
    'write into a --out folder that is not empty, first removing the files this command writes there ' +
    '(files it does not write are kept)',
  absent: 'a --out folder that is not empty is refused (exit 2)',
} as const;

export const SIM_SPEC = {
  command: 'sim',
  run: 'npm run sim --',
  about:
    'Runs a scenario (live on real sockets and timers, or in virtual time) and writes its report folder: ' +
    'summary.json, report.md, report.html and the histograms.',
  args: [{ name: 'FILE', meaning: 'the scenario file', required: false, absent: 'scenarios/baseline.json' }],
  flags: [
    SET_FLAG,
    {
      name: 'seed',
      value: 'N',
      meaning: 'overrides `seed`, the seed of every random stream',
      absent: scenarios(DEFAULTS.seed),
    },
    {
      name: 'mode',
      value: 'live|virtual',
      meaning: 'overrides `mode`: real sockets and timers, or a deterministic discrete-event clock',
      absent: scenarios(DEFAULTS.mode),
    },
    {
      name: 'rate',
      value: 'R',
      meaning: 'overrides `load.rate`, auctions per second',
      absent: scenarios(DEFAULTS.load.rate),
    },
    {
      name: 'duration',
      value: 'S',
      meaning: 'overrides `load.durationSec`, seconds of arrivals with the warm-up',
      absent: scenarios(DEFAULTS.load.durationSec),
    },
    {
      name: 'tmax',
      value: 'MS',
      meaning: "overrides `auction.tmaxMs`, the auction's deadline in milliseconds",
      absent: scenarios(DEFAULTS.auction.tmaxMs),
    },
    {
      name: 'out',
      value: 'DIR',
      meaning: 'the report folder: new, or empty, unless --force',
      absent: 'a new reports/<name>-<timestamp>/ (-2, -3, … when taken)',
    },
    FORCE_FLAG,
    {
      name: 'bidders',
      value: 'URL',
      meaning: 'call the bidder host already running at ws://host:port (`npm run bidders`) instead of starting one',
      absent: "start one for the scenario's simulated bidders",
    },
    {
      name: 'token',
      value: 'T',
      meaning:
        'sets `token` on every simulated group: the exchange sends `Authorization: Bearer T` to their leaves ' +
        '(for a host started with `npm run bidders -- --token T`)',
      absent: "the scenario's",
    },
    {
      name: 'segment',
      value: 'I/N',
      meaning:
        "run segment I of N of the scenario's arrivals (I from 0, as Kubernetes counts JOB_COMPLETION_INDEX; " +
        "k6's execution segment I/N:(I+1)/N): every Nth arrival of the whole seeded stream, so the N segments " +
        'together run exactly its arrivals. The report goes to <out>/segment-I-of-N; `npm run merge` adds them up',
      absent: 'the whole run',
    },
    {
      name: 'segments',
      value: 'N',
      meaning:
        'the same as --segment $JOB_COMPLETION_INDEX/N, for the pods of a Kubernetes Indexed Job ' +
        '(JOB_COMPLETION_INDEX alone, without --segments, is never acted on)',
      absent: 'the whole run',
    },
    {
      name: 'start-at',
      value: 'MS',
      meaning:
        'live: begin the arrivals at this wall-clock time, ms since 1970, once the bidders are connected (at most ' +
        '10 minutes ahead), so that segments started apart run together; --processes sets it for its segments',
      absent: 'as soon as the bidders are connected',
    },
    {
      name: 'processes',
      value: 'K',
      meaning:
        'run the scenario as K exchange segments in K child processes (1 to 64), then merge them into the report ' +
        'folder (each segment also writes its own segment-i-of-K folder there)',
      absent: 'one process',
    },
    {
      name: 'hosts',
      value: 'M',
      meaning:
        'with --processes, live: serve the leaves from M bidder host processes (1 to 64), leaf k on host (k - 1) mod M',
      absent: '1 with --processes',
    },
    {
      name: 'strict',
      meaning: 'exit 4 when the harness verdict is invalid (the run measured the machine), after writing the report',
      absent: 'an invalid harness is reported, and the exit status is that of the thresholds',
    },
  ],
} as const satisfies CommandSpec;

export const SWEEP_SPEC = {
  command: 'sweep',
  run: 'npm run sweep --',
  about:
    "Runs every combination of the scenario's `sweep` axes, each under several seeds, in parallel worker " +
    'processes, writes sweep.json, sweep.md and sweep.html with 95% intervals, and recommends the knee: the ' +
    'smallest tmax, then the fewest bidders, within the objective’s tolerance (default 1%) of the best revenue ' +
    'per thousand auctions (less the cost model, if any) among cells that meet every threshold beyond noise.',
  args: [
    {
      name: 'FILE|DIR',
      meaning: 'the scenario file, with `sweep` axes; with --merge, the shard folders to merge (one or more)',
      required: true,
      rest: true,
    },
  ],
  flags: [
    SET_FLAG,
    {
      name: 'shard',
      value: 'i/n',
      meaning:
        'run only shard i of n (i from 0 to n - 1, n from 1 to 10000): the runs whose index (cell by cell, ' +
        'repeat by repeat) is i modulo n; writes their summaries to <out>/shard-i-of-n/shard.json for --merge',
      absent: 'every run, and the sweep reports',
    },
    {
      name: 'shards',
      value: 'n',
      meaning:
        'as --shard i/n with i read from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it (the variable ' +
        'alone, without --shards, is ignored)',
      absent: 'JOB_COMPLETION_INDEX is not read',
    },
    {
      name: 'merge',
      meaning:
        'merge the shard folders given as arguments (all n shards of one sweep; a folder holding shard-i-of-n ' +
        'folders stands for them) into the sweep.json, sweep.md and sweep.html one unsharded run writes',
    },
    {
      name: 'mode',
      value: 'virtual|live',
      meaning: 'run the cells in virtual time or live',
      default: 'virtual',
    },
    {
      name: 'repeats',
      value: 'R',
      meaning: 'overrides `repeats`: seeds each cell runs (seed, seed + 1, …), from 1 to 100',
      absent: "the scenario's, else 3 in virtual mode and 1 live, where each cell takes its duration in real time",
    },
    {
      name: 'workers',
      value: 'N',
      meaning: 'worker processes running cells side by side',
      absent: "the core count in virtual mode; 1 live, where cells side by side would steal each other's CPU",
    },
    {
      name: 'out',
      value: 'DIR',
      meaning: 'the report folder: new, or empty, unless --force',
      absent: 'a new reports/<name>-sweep-<timestamp>/',
    },
    FORCE_FLAG,
  ],
} as const satisfies CommandSpec;

export const BIDDERS_SPEC = {
  command: 'bidders',
  run: 'npm run bidders --',
  about:
    "Serves a scenario's simulated bidders at ws://host:port/<leaf> until SIGINT or SIGTERM, for an exchange " +
    'started with `npm run sim -- FILE --bidders ws://host:port`, on this machine or another.',
  args: [],
  flags: [
    { name: 'scenario', value: 'FILE', meaning: 'the scenario whose simulated bidders to serve', required: true },
    {
      name: 'port',
      value: 'P',
      meaning: 'the port to listen on, 0 to 65535 in decimal (0: any free port, printed)',
      default: '9100',
    },
    { name: 'host', value: 'H', meaning: 'the address to listen on', default: '127.0.0.1' },
    {
      name: 'token',
      value: 'T',
      meaning:
        'refuse an upgrade without `Authorization: Bearer T` (401); 1 to 200 printable ASCII characters ' +
        'without spaces; the exchange sends it with `npm run sim -- FILE --bidders URL --token T`',
      absent: 'no token asked for',
    },
    {
      name: 'seed',
      value: 'N',
      meaning: "the seed of the bidders' random streams, 0 to 4294967295",
      absent: "the scenario's",
    },
  ],
} as const satisfies CommandSpec;

export const SOAK_SPEC = {
  command: 'soak',
  run: 'npm run soak --',
  about:
    'A long live run of well-behaved bidders beside hostile ones that checks the heap after a full GC and the ' +
    'count of active handles do not grow between the end of the warm-up and the last seconds of the run.',
  args: [],
  flags: [
    { name: 'duration', value: 'S', meaning: 'seconds of arrivals, 10 to 86400', default: '60' },
    { name: 'rate', value: 'R', meaning: 'auctions per second, 0.1 to 1000000', default: '200' },
    { name: 'seed', value: 'N', meaning: 'the seed of every random stream, 0 to 4294967295', default: '1' },
  ],
} as const satisfies CommandSpec;

export const COMPARE_SPEC = {
  command: 'compare',
  run: 'npm run compare --',
  about:
    "Puts two runs' report folders side by side: every headline figure of summary.json with its difference, " +
    'marked within noise where their 95% intervals overlap (Wilson for rates, order statistics through the ' +
    '.hgrm files for percentiles), and the scenario settings that differ. Prints compare.md and writes it.',
  args: [
    { name: 'DIR_A', meaning: 'the first report folder (A)', required: true },
    { name: 'DIR_B', meaning: 'the second report folder (B), compared with A', required: true },
  ],
  flags: [
    {
      name: 'out',
      value: 'DIR',
      meaning: 'the folder for compare.md: new, or empty, unless --force',
      absent: 'a new reports/compare-<timestamp>/',
    },
    FORCE_FLAG,
  ],
} as const satisfies CommandSpec;

export const MERGE_SPEC = {
  command: 'merge',
  run: 'npm run merge --',
  about:
    "Adds runs' report folders up into one run's, exactly: counters add (run-state.json), histograms add " +
    'from their HdrHistogram logs (histograms.hlog), and rates and percentiles are recomputed from the whole; ' +
    'the accounting and invariants are checked again, thresholds judged on the whole, harness verdicts ' +
    'combined to the worst, and the usual reports written. Merges the segments of one run (--segment), and ' +
    'repeats of one scenario under different seeds (pooled, and said so); refuses runs that differ in ' +
    'anything else, naming the fields.',
  args: [
    {
      name: 'DIR',
      meaning: "a run's report folder, or a folder holding segment-I-of-N folders (each is taken)",
      required: true,
      rest: true,
    },
  ],
  flags: [
    {
      name: 'out',
      value: 'DIR',
      meaning: 'the merged report folder: new, or empty, unless --force',
      absent: 'a new reports/<name>-merged-<timestamp>/',
    },
    FORCE_FLAG,
  ],
} as const satisfies CommandSpec;

export const CAPACITY_SPEC = {
  command: 'capacity',
  run: 'npm run capacity --',
  about:
    "Finds, with short live runs, the highest open-loop rate at which this machine keeps the scenario's harness " +
    'verdict ok: doubles from --from while ok, halves while not, bisects to --precision and probes the answer ' +
    'twice. A virtual scenario is run live. Prints the answer and the probes, and writes capacity.json and ' +
    'capacity.md.',
  args: [{ name: 'FILE', meaning: 'the scenario file', required: true }],
  flags: [
    SET_FLAG,
    { name: 'seed', value: 'N', meaning: 'the seed of every probe', absent: scenarios(DEFAULTS.seed) },
    {
      name: 'from',
      value: 'R',
      meaning: 'the first rate probed, auctions per second (0.1 to 1000000)',
      absent: `the scenario's load.rate, else ${DEFAULTS.load.rate}`,
    },
    {
      name: 'max',
      value: 'R',
      meaning: 'no rate above this is probed; ok here ends the search (0.1 to 1000000)',
      absent: '64 x --from, at most 1000000',
    },
    {
      name: 'min',
      value: 'R',
      meaning: 'no rate below this is probed; not ok here ends the search with no answer (0.1 to 1000000)',
      absent: '--from / 64, at least 0.1',
    },
    {
      name: 'precision',
      value: 'F',
      meaning: 'stop bisecting once the lowest rate not ok is within this share above the answer (0.005 to 1)',
      default: '0.05',
    },
    { name: 'probes', value: 'N', meaning: 'at most this many probes in all (1 to 100)', default: '16' },
    {
      name: 'probe-sec',
      value: 'S',
      meaning: 'seconds each probe measures, after its warm-up (1 to 60)',
      default: '4',
    },
    { name: 'warmup', value: 'S', meaning: "seconds of each probe's warm-up, not measured (0 to 30)", default: '1' },
    { name: 'once', meaning: 'believe the answer after one probe instead of probing it a second time' },
    {
      name: 'out',
      value: 'DIR',
      meaning: 'the report folder: new, or empty, unless --force',
      absent: 'a new reports/<name>-capacity-<timestamp>/',
    },
    FORCE_FLAG,
  ],
} as const satisfies CommandSpec;
