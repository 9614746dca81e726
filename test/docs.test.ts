// The docs stay runnable and connected: every scenario example in them validates as written, and
// every relative link (and #anchor) points at a file and heading that exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES } from '../src/lib/issue-codes.js';
import { parseCommandArgs, type CommandSpec } from '../src/sim/cli/command-spec.js';
import { exitCodesTable } from '../src/sim/cli/exit-codes.js';
import {
  BIDDERS_SPEC,
  CAPACITY_SPEC,
  COMPARE_SPEC,
  MERGE_SPEC,
  SIM_SPEC,
  SOAK_SPEC,
  SWEEP_SPEC,
} from '../src/sim/cli/specs.js';
import { BENCH_SPEC } from '../bench/run.js';
import { validateScenario } from '../src/sim/scenario/scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'bench/README.md',
  'docs/architecture.md',
  'docs/scenarios.md',
  'docs/summary-json.md',
  'docs/performance.md',
  'docs/exit-codes.md',
  'docs/protocol.md',
  'docs/kubernetes.md',
];
const read = (page: string): string => readFileSync(join(root, page), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function anchors(page: string): Set<string> {
  const text = read(page).replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

describe('docs', () => {
  it('every JSON scenario example validates as written', () => {
    let examples = 0;
    for (const page of ['README.md', 'docs/scenarios.md']) {
      for (const [, block] of read(page).matchAll(/```json\n([\s\S]*?)```/g)) {
        const raw: unknown = JSON.parse(block!);
        const result = validateScenario(raw, page);
        expect(result.ok ? [] : result.issues, `${page}: ${block}`).toEqual([]);
        examples++;
      }
    }
    expect(examples).toBeGreaterThanOrEqual(2);
  });

  it('every latency model in the scenario reference validates in a bidder group', () => {
    const [, block] = /Latency models[^`]*```jsonc\n([\s\S]*?)```/.exec(read('docs/scenarios.md')) ?? [];
    const models = JSON.parse(`[${block!.replace(/\/\/.*$/gm, '').replace(/}\s*\n\s*{/g, '},{')}]`) as unknown[];
    expect(models.length).toBeGreaterThanOrEqual(8);
    for (const latency of models) {
      const result = validateScenario({ bidders: [{ name: 'dsp', latency }] }, 'docs/scenarios.md');
      expect(result.ok ? [] : result.issues, JSON.stringify(latency)).toEqual([]);
    }
  });

  it("the README's exit codes are the table the commands print", () => {
    expect(read('README.md')).toContain(`\n${exitCodesTable()}\n`);
  });

  it('every npm run command in the docs parses against its command and names files that exist', () => {
    const specs: Record<string, CommandSpec> = {
      sim: SIM_SPEC,
      sweep: SWEEP_SPEC,
      bidders: BIDDERS_SPEC,
      soak: SOAK_SPEC,
      bench: BENCH_SPEC,
      compare: COMPARE_SPEC,
      capacity: CAPACITY_SPEC,
      merge: MERGE_SPEC,
    };
    let commands = 0;
    for (const page of PAGES) {
      const text = read(page);
      // Command lines in sh blocks, and commands with arguments quoted in the prose.
      const shLines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) => block!.split('\n'));
      const quoted = [...text.matchAll(/`(npm run \w+ -- [^`]+)`/g)].map(([, command]) => command!);
      for (const line of [...shLines, ...quoted]) {
        const m = /^npm (?:run )?(\w+)(?: -- (.*?))?\s*(?:#.*)?$/.exec(line);
        const spec = m === null ? undefined : specs[m[1]!];
        if (spec === undefined) continue;
        const args = m![2]?.replace(/\s*…$/, '').split(/\s+/) ?? [];
        const parsed = parseCommandArgs(spec, args);
        expect(parsed.kind === 'error' ? parsed.message : 'ok', `${page}: ${line}`).toBe('ok');
        // A placeholder (reports/<folder>/…) names no file to check.
        for (const file of m![2]?.match(/\S+\.json/g) ?? [])
          if (!/[<>]/.test(file)) expect(existsSync(join(root, file)), file).toBe(true);
        commands++;
      }
    }
    expect(commands).toBeGreaterThanOrEqual(15);
  });

  it('the scenario reference lists every validation code, with its meaning', () => {
    const rows = Object.entries(ISSUE_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`);
    const table = ['| code | what is wrong |', '| --- | --- |', ...rows].join('\n');
    expect(read('docs/scenarios.md')).toContain(`\n${table}\n`);
  });

  it.each(PAGES)('every relative link in %s resolves', (page) => {
    const broken: string[] = [];
    for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const to = file === '' ? page : join(dirname(page), file);
      if (!existsSync(join(root, to))) broken.push(`${target}: no file ${to}`);
      else if (anchor !== undefined && to.endsWith('.md') && !anchors(to).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${to}`);
    }
    expect(broken).toEqual([]);
  });
});
