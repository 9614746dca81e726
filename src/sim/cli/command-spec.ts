// A command's flags, declared once: the parser's options (node:util parseArgs) and the --help text
// are both made from the same spec, so the help cannot leave a flag out or show a stale default. A new
// command declares a CommandSpec, calls parseCommand, and gets --help, -h and the unknown-flag error.

import { parseArgs } from 'node:util';
import { suggest } from '../../lib/issues.js';
import { joinNegativeValues } from './args.js';
import { fail } from './common.js';
import { EXIT, exitCodesOf, type CommandName } from './exit-codes.js';

export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder (`N`, `DIR`, `live|virtual`); a flag without one is a switch, off unless given. */
  readonly value?: string;
  readonly meaning: string;
  /** The value the parser fills in when the flag is absent, shown as its default. */
  readonly default?: string;
  /** What applies when the flag is absent where that is no fixed value ("the scenario's seed"). */
  readonly absent?: string;
  /** A value flag the command cannot run without. */
  readonly required?: true;
  /** A value flag that may be given more than once; its values come in the order given. */
  readonly multiple?: true;
}

export interface ArgSpec {
  /** The placeholder, `FILE`. */
  readonly name: string;
  readonly meaning: string;
  readonly required: boolean;
  /** What is used when an optional argument is left out. */
  readonly absent?: string;
  /** The last argument only: it may be given any number of times (`DIR...`). */
  readonly rest?: true;
}

export interface CommandSpec {
  readonly command: CommandName;
  /** How it is run, up to its arguments: `npm run sim --`. */
  readonly run: string;
  /** What it does, in a sentence or two. */
  readonly about: string;
  readonly args: readonly ArgSpec[];
  readonly flags: readonly FlagSpec[];
}

/** Every command's --help, so no spec declares it. */
export const HELP_FLAG = { name: 'help', short: 'h', meaning: 'print this help and exit' } as const satisfies FlagSpec;

const withHelp = (spec: CommandSpec): readonly FlagSpec[] => [...spec.flags, HELP_FLAG];

type ValueOf<F extends FlagSpec> = F extends { readonly value: string }
  ? F extends { readonly multiple: true }
    ? string[] | undefined
    : F extends { readonly default: string } | { readonly required: true }
      ? string
      : string | undefined
  : boolean;

/** The parsed flags of a spec declared `as const`: a value flag is a string (or undefined without a default), a switch a boolean. */
export type FlagValues<S extends CommandSpec> = { [F in S['flags'][number] as F['name']]: ValueOf<F> };

type Options = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** The parseArgs options of a spec, --help included. */
export function optionsOf(spec: CommandSpec): Options {
  const options: Options = {};
  for (const f of withHelp(spec)) {
    options[f.name] = {
      type: f.value !== undefined ? 'string' : 'boolean',
      ...(f.short !== undefined ? { short: f.short } : {}),
      ...(f.multiple === true ? { multiple: true } : {}),
      ...(f.value === undefined ? { default: false } : f.default !== undefined ? { default: f.default } : {}),
    };
  }
  return options;
}

export type Parsed<S extends CommandSpec> =
  | { kind: 'run'; values: FlagValues<S>; positionals: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

const argUsage = (a: ArgSpec): string => {
  const name = a.rest === true ? `${a.name}...` : a.name;
  return a.required ? name : `[${name}]`;
};

const usage = (spec: CommandSpec): string => `usage: ${spec.run} ${[...spec.args.map(argUsage), '[flags]'].join(' ')}`;

const seeHelp = (spec: CommandSpec): string => `${usage(spec)}\n\`${spec.run} --help\` lists every flag`;

/** The arguments read against a spec, with no output and no exit: the help, an error, or the values. */
export function parseCommandArgs<S extends CommandSpec>(spec: S, argv: readonly string[]): Parsed<S> {
  const options = optionsOf(spec);
  const args = joinNegativeValues(argv, options);
  // A loose pass first, to name an unknown flag itself rather than quote parseArgs' sentence about it.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option' || Object.hasOwn(options, t.name)) continue;
    const guess = t.rawName.startsWith('--') ? suggest(t.name, Object.keys(options)) : undefined;
    const hint = guess !== undefined ? ` (did you mean --${guess}?)` : '';
    return { kind: 'error', message: `${t.rawName}: unknown flag${hint}\n${seeHelp(spec)}` };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: spec.args.length > 0 });
  } catch (err) {
    return { kind: 'error', message: `${err instanceof Error ? err.message : String(err)}\n${seeHelp(spec)}` };
  }
  if (parsed.values.help === true) return { kind: 'help', text: helpText(spec) };
  const missing = spec.flags.find((f) => f.required === true && parsed.values[f.name] === undefined);
  if (missing !== undefined) return { kind: 'error', message: `--${missing.name}: required\n${seeHelp(spec)}` };
  const { positionals } = parsed;
  const absent = spec.args.slice(positionals.length).find((a) => a.required);
  if (absent !== undefined)
    return { kind: 'error', message: `${absent.name}: required (${absent.meaning})\n${seeHelp(spec)}` };
  if (positionals.length > spec.args.length && spec.args.at(-1)?.rest !== true) {
    const names = spec.args.map((a) => a.name).join(' ');
    return {
      kind: 'error',
      message: `expected at most ${spec.args.length} argument(s) (${names}), got ${positionals.length}: ${positionals.join(' ')}\n${seeHelp(spec)}`,
    };
  }
  // parseArgs returns what optionsOf declared: a string (or nothing) for a value flag, a boolean for a switch.
  return { kind: 'run', values: parsed.values as FlagValues<S>, positionals };
}

/** parseCommandArgs over the process's arguments: prints the help and exits 0, or exits 2 on an error. */
export function parseCommand<S extends CommandSpec>(
  spec: S,
  argv: readonly string[] = process.argv.slice(2),
): { values: FlagValues<S>; positionals: string[] } {
  const parsed = parseCommandArgs(spec, argv);
  if (parsed.kind === 'error') fail(EXIT.badInput, parsed.message);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    process.exit(EXIT.ok);
  }
  return parsed;
}

const WIDTH = 100;

/** `text` wrapped at WIDTH columns, every line after the first indented by `indent`. */
function wrap(text: string, first: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - first;
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function defaultOf(f: FlagSpec): string {
  if (f.default !== undefined) return f.default;
  if (f.absent !== undefined) return f.absent;
  return f.value === undefined ? 'off' : 'none';
}

/** The --help text: usage, what the command does, its arguments and flags with their defaults, its exit statuses. */
export function helpText(spec: CommandSpec): string {
  const flags = withHelp(spec).map((f): [string, string] => [
    `${f.short !== undefined ? `-${f.short}, ` : ''}--${f.name}${f.value !== undefined ? ` ${f.value}` : ''}`,
    `${f.meaning} (${f.required === true ? 'required' : `${f.multiple === true ? 'repeatable; ' : ''}default: ${defaultOf(f)}`})`,
  ]);
  const args = spec.args.map((a): [string, string] => [
    a.name,
    `${a.meaning}${a.required ? ' (required)' : a.absent !== undefined ? ` (default: ${a.absent})` : ''}`,
  ]);
  const column = Math.max(...[...flags, ...args].map(([label]) => label.length)) + 4;
  const rows = (list: Array<[string, string]>): string[] =>
    list.map(([label, text]) => `  ${label.padEnd(column - 2)}${wrap(text, column, column)}`);
  const sections = [usage(spec), wrap(spec.about, 0, 0)];
  if (args.length > 0) sections.push(['arguments:', ...rows(args)].join('\n'));
  sections.push(['flags:', ...rows(flags)].join('\n'));
  const codes = exitCodesOf(spec.command).map(([code, meaning]) => `  ${String(code).padEnd(5)}${wrap(meaning, 7, 7)}`);
  sections.push(['exit status:', ...codes].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
