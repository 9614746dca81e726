// Every command's exit statuses, written once: the commands exit with EXIT's names, each --help
// prints the rows of its command (command-spec.ts), and docs/exit-codes.md is this table rendered (a test keeps the two
// equal). Regenerate the page with `npx tsx src/sim/cli/exit-codes.ts --markdown > docs/exit-codes.md`.

import { isEntry } from './common.js';

export const EXIT = {
  ok: 0,
  /** The run was sound but what it was asked to show was not shown: a threshold, a sweep cell, a target. */
  checkFailed: 1,
  /** Refused before anything ran: flags, scenario file, report folder. */
  badInput: 2,
  /** The run itself failed, or broke an invariant or its accounting. */
  runFailed: 3,
  /** With --strict: the run's harness verdict was invalid, so its figures measured the machine. */
  harnessInvalid: 4,
  /** 128 + the signal's number, as a shell reports a process a signal stopped. */
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitName = keyof typeof EXIT;
export const COMMANDS = ['sim', 'sweep', 'bidders', 'bench', 'soak', 'compare', 'capacity', 'merge'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface ExitCodeRow {
  name: ExitName;
  /** What the status means for every command that uses it. */
  meaning: string;
  /** What it means for each command that can exit with it; a command left out never does. */
  commands: Partial<Record<CommandName, string>>;
}

export const EXIT_CODES: readonly ExitCodeRow[] = [
  {
    name: 'ok',
    meaning: 'success (and after --help)',
    commands: {
      sim: 'the run finished, its report is written and every threshold passed',
      sweep: 'every cell ran and one is recommended; with --shard, its runs ran and shard.json is written',
      bidders:
        'stopped by SIGINT or SIGTERM, or because the npm (or other launcher) that started it went away, after closing its listeners',
      bench: 'the bench ran (without --check, whether or not the targets were met)',
      soak: 'neither the heap nor the active handles grew',
      compare: 'the two runs were compared and compare.md written, whatever their differences',
      capacity: 'a rate kept the harness ok: the answer is printed and capacity.json written (also when it is --max)',
      merge: 'the runs were merged, the report is written and every threshold passed on the whole',
    },
  },
  {
    name: 'checkFailed',
    meaning:
      'the run was sound, but a gate it was asked to pass failed: a threshold, every sweep cell, a bench target, the soak, every capacity probe',
    commands: {
      sim: 'a threshold failed (the report is written)',
      sweep: 'no cell meets every threshold beyond noise (the report is written, naming any cell within noise)',
      bench: 'with --check: a target was not met, or its case failed before measuring it',
      soak: 'the heap or the active handles grew past their allowance, or handles were left open',
      capacity: 'no rate down to --min (or within the --probes budget) kept the harness ok (capacity.json is written)',
      merge: 'a threshold failed on the whole (the report is written)',
    },
  },
  {
    name: 'badInput',
    meaning: 'bad input, refused before anything runs',
    commands: {
      sim: 'an unknown or malformed flag (a number not in plain decimal, a --bidders that is no ws:// address), an invalid scenario or threshold, a report folder that cannot be made or written, or a --out that is not empty without --force',
      sweep:
        'an unknown or malformed flag, an invalid scenario, sweep or threshold, a --shard on a file without a sweep, a --merge of folders that are not all the shards of one sweep, a report folder that cannot be made or written, or a --out that is not empty without --force',
      bidders:
        'an unknown or malformed flag (a number not in plain decimal, a --token of the wrong form), no --scenario, an invalid scenario, no simulated bidders to serve',
      bench: 'an unknown or malformed flag, a report folder that cannot be made or written',
      soak: 'an unknown or malformed flag',
      compare:
        'an unknown or malformed flag, a folder without a readable summary.json, a report folder that cannot be made or written, or a --out that is not empty without --force',
      capacity:
        'an unknown or malformed flag, a flag out of its bounds, an invalid scenario, a report folder that cannot be made or written, or a --out that is not empty without --force',
      merge:
        'an unknown or malformed flag, a folder that is not a run (or holds no segment folders), unreadable run files, runs that differ other than by seed or segment (the fields named), segments missing or given twice, a report folder that cannot be made or written, or a --out that is not empty without --force',
    },
  },
  {
    name: 'runFailed',
    meaning: 'the run failed, or its accounting or invariants did not add up',
    commands: {
      sim: 'the run failed, broke an invariant, its accounting did not add up, or the bidder host died',
      sweep: 'a cell failed or its accounting did not add up, or the report could not be written',
      bidders: 'it cannot listen on the host and port',
      bench: 'the bench itself failed (a failed case is a row of the table, not this)',
      soak: 'the run broke an invariant or its accounting, stopped early, or ended before both samples',
      compare: 'compare.md could not be written',
      capacity:
        'a probe failed, broke an invariant or its accounting, or its bidder host died; or capacity.json could not be written',
      merge: 'the merged accounting or invariants did not add up, or the report could not be written',
    },
  },
  {
    name: 'harnessInvalid',
    meaning: 'with --strict: the harness verdict was invalid (the run measured the machine, not the bidders)',
    commands: {
      sim: 'with --strict: the harness verdict was invalid (the report is written, with the reasons)',
    },
  },
  {
    name: 'sigint',
    meaning: 'stopped by SIGINT (Ctrl-C): 128 + 2, as a shell shows a process the signal ended',
    commands: {
      sim: 'stopped by SIGINT, after closing the auctions in flight and writing a partial report',
      sweep: 'stopped by SIGINT (no report is written)',
      bench: 'stopped by SIGINT, after killing every child it started',
      soak: 'stopped by SIGINT (no verdict)',
      capacity: 'stopped by SIGINT, after the probe in flight; capacity.json holds the probes before it',
    },
  },
  {
    name: 'sigterm',
    meaning: 'stopped by SIGTERM: 128 + 15',
    commands: {
      sim: 'stopped by SIGTERM, or because the npm (or other launcher) that started it went away, after closing the auctions in flight and writing a partial report',
      sweep:
        'stopped by SIGTERM, or because the npm (or other launcher) that started it went away (no report is written; its workers exit with it)',
      bidders: 'the npm (or other launcher) that started it went away before it listened',
      bench: 'stopped by SIGTERM, after killing every child it started',
      soak: 'stopped by SIGTERM (no verdict)',
      capacity:
        'stopped by SIGTERM, or because the npm (or other launcher) that started it went away, after the probe in flight; capacity.json holds the probes before it',
    },
  },
];

/**
 * What `npm run sim` exits with once its report is written, in this order: a bidder host that died
 * (3), a signal (130/143), an invalid harness under --strict (4), a failed threshold (1), else 0.
 */
export function simExitStatus(run: {
  hostDied: boolean;
  /** 130 or 143 when a signal stopped the run, else 0. */
  signalStatus: number;
  strict: boolean;
  harness: 'ok' | 'degraded' | 'invalid' | undefined;
  thresholdsPass: boolean;
}): number {
  if (run.hostDied) return EXIT.runFailed;
  if (run.signalStatus !== 0) return run.signalStatus;
  if (run.strict && run.harness === 'invalid') return EXIT.harnessInvalid;
  return run.thresholdsPass ? EXIT.ok : EXIT.checkFailed;
}

/** The rows a command can exit with, as [code, meaning for that command]. */
export function exitCodesOf(command: CommandName): Array<[number, string]> {
  return EXIT_CODES.flatMap((row) => {
    const meaning = row.commands[command];
    return meaning === undefined ? [] : [[EXIT[row.name], meaning] as [number, string]];
  });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The table of every status, as docs/exit-codes.md and the README show it. */
export function exitCodesTable(): string {
  const rows = EXIT_CODES.map((row) => `| ${EXIT[row.name]} | ${cell(row.meaning)} |`);
  return ['| code | meaning |', '| ---- | ------- |', ...rows].join('\n');
}

/** docs/exit-codes.md: the table of every status, then each command's. */
export function exitCodesMarkdown(): string {
  const lines = [
    '# Exit codes',
    '',
    "Every command exits with one of these statuses; each command's `--help` prints the ones it uses.",
    '',
    'Generated from `src/sim/cli/exit-codes.ts`, and checked against it by `src/sim/cli/exit-codes.test.ts`;',
    'after a change there, regenerate it with `npx tsx src/sim/cli/exit-codes.ts --markdown > docs/exit-codes.md`.',
    '',
    exitCodesTable(),
  ];
  for (const command of COMMANDS) {
    lines.push('', `## npm run ${command}`, '', '| code | meaning |', '| ---- | ------- |');
    for (const [code, meaning] of exitCodesOf(command)) lines.push(`| ${code} | ${cell(meaning)} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (isEntry(import.meta.url)) {
  if (process.argv[2] === '--markdown' && process.argv.length === 3) process.stdout.write(exitCodesMarkdown());
  else {
    process.stderr.write('usage: npx tsx src/sim/cli/exit-codes.ts --markdown > docs/exit-codes.md\n');
    process.exit(EXIT.badInput);
  }
}
