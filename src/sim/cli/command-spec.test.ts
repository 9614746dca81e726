import { describe, expect, it } from 'vitest';
import { helpText, optionsOf, parseCommandArgs, type CommandSpec } from './command-spec.js';
import { exitCodesOf } from './exit-codes.js';
import { BIDDERS_SPEC, SIM_SPEC, SOAK_SPEC, SWEEP_SPEC } from './specs.js';

const SPEC = {
  command: 'sweep',
  run: 'npm run sweep --',
  about: 'A command for the tests.',
  args: [{ name: 'FILE', meaning: 'the scenario file', required: true }],
  flags: [
    { name: 'mode', value: 'virtual|live', meaning: 'the clock', default: 'virtual' },
    { name: 'out', value: 'DIR', meaning: 'the report folder', absent: 'reports/<name>/' },
    { name: 'duration', value: 'S', meaning: 'seconds', absent: "the scenario's" },
    { name: 'quick', meaning: 'shorter' },
  ],
} as const satisfies CommandSpec;

const REQUIRED = {
  command: 'bidders',
  run: 'npm run bidders --',
  about: 'Serves.',
  args: [],
  flags: [{ name: 'scenario', value: 'FILE', meaning: 'the scenario', required: true }],
} as const satisfies CommandSpec;

function run<S extends CommandSpec>(spec: S, argv: string[]) {
  const parsed = parseCommandArgs(spec, argv);
  if (parsed.kind !== 'run') throw new Error(`expected values, got ${parsed.kind}: ${JSON.stringify(parsed)}`);
  return parsed;
}

function error(spec: CommandSpec, argv: string[]): string {
  const parsed = parseCommandArgs(spec, argv);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
}

describe('optionsOf', () => {
  it("makes parseArgs' options from the spec, --help included", () => {
    expect(optionsOf(SPEC)).toEqual({
      mode: { type: 'string', default: 'virtual' },
      out: { type: 'string' },
      duration: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
  });
});

describe('parseCommandArgs', () => {
  it('fills the defaults: a value flag its default or nothing, a switch false', () => {
    const { values, positionals } = run(SPEC, ['f.json']);
    expect(values).toEqual({ mode: 'virtual', quick: false, help: false });
    expect(positionals).toEqual(['f.json']);
    expect(run(SPEC, ['f.json', '--quick', '--out', 'o', '--mode=live']).values).toMatchObject({
      quick: true,
      out: 'o',
      mode: 'live',
    });
  });

  it('takes a negative number as a value, for the validator to name', () => {
    expect(run(SPEC, ['f.json', '--duration', '-1']).values.duration).toBe('-1');
  });

  it('answers --help and -h with the help text, before checking the arguments', () => {
    for (const flag of ['--help', '-h']) {
      expect(parseCommandArgs(SPEC, [flag])).toEqual({ kind: 'help', text: helpText(SPEC) });
      expect(parseCommandArgs(REQUIRED, [flag]).kind).toBe('help');
    }
  });

  it('names an unknown flag, guesses the one meant, and points at --help', () => {
    const message = error(SPEC, ['f.json', '--mod', 'live']);
    expect(message.split('\n')[0]).toBe('--mod: unknown flag (did you mean --mode?)');
    expect(message).toContain('usage: npm run sweep -- FILE [flags]');
    expect(message).toContain('`npm run sweep -- --help` lists every flag');
    expect(error(SPEC, ['f.json', '--nothing-like-it=3']).split('\n')[0]).toBe('--nothing-like-it: unknown flag');
    expect(error(SPEC, ['f.json', '-x']).split('\n')[0]).toBe('-x: unknown flag');
    // An unknown flag is refused even beside --help: it may be a typo of what the user meant to run.
    expect(parseCommandArgs(SPEC, ['--help', '--nope']).kind).toBe('error');
  });

  it('refuses a missing value, a missing required flag or argument, and extra arguments', () => {
    expect(error(SPEC, ['f.json', '--out'])).toContain("Option '--out <value>' argument missing");
    expect(error(SPEC, ['f.json', '--out', '--quick'])).toMatch(/ambiguous/);
    expect(error(SPEC, []).split('\n')[0]).toBe('FILE: required (the scenario file)');
    expect(error(SPEC, ['a.json', 'b.json']).split('\n')[0]).toBe(
      'expected at most 1 argument(s) (FILE), got 2: a.json b.json',
    );
    expect(error(REQUIRED, []).split('\n')[0]).toBe('--scenario: required');
    expect(error(REQUIRED, ['stray'])).toContain("Unexpected argument 'stray'");
    expect(run(REQUIRED, ['--scenario', 's.json']).values.scenario).toBe('s.json');
  });

  it('takes any number of a last argument marked rest, and shows it as NAME...', () => {
    const REST = { ...SPEC, args: [{ name: 'DIR', meaning: 'folders', required: true, rest: true }] } as const;
    expect(run(REST, ['a', 'b', 'c', '--mode', 'live']).positionals).toEqual(['a', 'b', 'c']);
    expect(error(REST, []).split('\n')[0]).toBe('DIR: required (folders)');
    expect(helpText(REST).split('\n')[0]).toBe('usage: npm run sweep -- DIR... [flags]');
  });
});

describe('helpText', () => {
  const specs: CommandSpec[] = [SPEC, SIM_SPEC, SWEEP_SPEC, BIDDERS_SPEC, SOAK_SPEC];

  it('lists every flag the parser accepts, with its placeholder and its default, and the arguments', () => {
    const text = helpText(SPEC);
    expect(text).toContain('--mode virtual|live');
    expect(text).toMatch(/--mode virtual\|live +the clock \(default: virtual\)/);
    expect(text).toMatch(/--out DIR +the report folder \(default: reports\/<name>\/\)/);
    expect(text).toMatch(/--quick +shorter \(default: off\)/);
    expect(text).toMatch(/-h, --help +print this help and exit/);
    expect(text).toMatch(/FILE +the scenario file \(required\)/);
    expect(helpText(REQUIRED)).toMatch(/--scenario FILE +the scenario \(required\)/);
    for (const spec of specs) {
      const help = helpText(spec);
      for (const name of Object.keys(optionsOf(spec))) expect(help).toContain(`--${name}`);
      for (const flag of spec.flags) expect(help.replace(/\n +/g, ' ')).toContain(flag.meaning);
    }
  });

  it("ends with the command's exit statuses, and keeps within 100 columns", () => {
    for (const spec of specs) {
      const help = helpText(spec);
      const section = help.slice(help.indexOf('exit status:')).replace(/\n {7}/g, ' ');
      for (const [code, meaning] of exitCodesOf(spec.command))
        expect(section).toContain(`  ${code} `.padEnd(7) + meaning);
      for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    }
  });

  it('gives every value flag of the commands a default, a description of what applies, or "required"', () => {
    for (const spec of [SIM_SPEC, SWEEP_SPEC, BIDDERS_SPEC, SOAK_SPEC] as CommandSpec[]) {
      for (const f of spec.flags) {
        if (f.value === undefined) continue;
        expect(
          f.default !== undefined || f.absent !== undefined || f.required === true,
          `${spec.command} --${f.name}`,
        ).toBe(true);
      }
    }
  });
});
