// --help, -h and an unknown flag on every command, run as processes the way a user runs them: the help
// goes to stdout with exit 0 and names every flag the command's parser takes (its spec) and every exit
// status the command can end with; an unknown flag is exit 2 with a message naming it.

import { describe, expect, it } from 'vitest';
import { BENCH_SPEC } from '../bench/run.js';
import { optionsOf, type CommandSpec } from '../src/sim/cli/command-spec.js';
import { EXIT, exitCodesOf } from '../src/sim/cli/exit-codes.js';
import {
  BIDDERS_SPEC,
  CAPACITY_SPEC,
  COMPARE_SPEC,
  MERGE_SPEC,
  SIM_SPEC,
  SOAK_SPEC,
  SWEEP_SPEC,
} from '../src/sim/cli/specs.js';
import { run } from './helpers/cli.js';

const COMMANDS: Array<[string, CommandSpec]> = [
  ['src/sim/cli/sim.ts', SIM_SPEC],
  ['src/sim/cli/sweep.ts', SWEEP_SPEC],
  ['src/sim/cli/bidders.ts', BIDDERS_SPEC],
  ['src/sim/cli/soak.ts', SOAK_SPEC],
  ['bench/run.ts', BENCH_SPEC],
  ['src/sim/cli/compare.ts', COMPARE_SPEC],
  ['src/sim/cli/capacity.ts', CAPACITY_SPEC],
  ['src/sim/cli/merge.ts', MERGE_SPEC],
];

describe.each(COMMANDS)('%s', (script, spec) => {
  it('prints its help with --help and -h: exit 0, every flag, every exit status', async () => {
    const [long, short] = await Promise.all([run(script, ['--help']), run(script, ['-h'])]);
    expect(long.stderr).toBe('');
    expect(long.status).toBe(EXIT.ok);
    expect(short.status).toBe(EXIT.ok);
    expect(short.stdout).toBe(long.stdout);
    const help = long.stdout;
    expect(help).toMatch(new RegExp(`^usage: ${spec.run.replace(/[-]/g, '\\-')} `));
    for (const name of Object.keys(optionsOf(spec))) expect(help).toMatch(new RegExp(`--${name}\\b`));
    const codes = help.slice(help.indexOf('\nexit status:\n'));
    for (const [code] of exitCodesOf(spec.command)) expect(codes).toMatch(new RegExp(`\\n  ${code} +\\S`));
    expect(help).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses an unknown flag with exit 2, naming it and pointing at --help', async () => {
    const r = await run(script, ['--no-such-flag']);
    expect(r.status).toBe(EXIT.badInput);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('--no-such-flag: unknown flag');
    expect(r.stderr).toContain(`\`${spec.run} --help\` lists every flag`);
  });
});
