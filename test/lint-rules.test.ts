// The import directions live in eslint.config.js. Each forbidden direction is linted here from a
// one-line fixture placed (virtually) in the folder it would break, so a rule that stops matching
// fails this test instead of rotting silently; allowed directions must stay clean.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function lint(at: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${at}` });
  return (result?.messages ?? []).map(({ ruleId, message }) => ({ ruleId, message }));
}

const forbidden: [string, string, string, RegExp][] = [
  ['the exchange imports the bidders', 'src/exchange/fixture.ts', '../bidders/host.js', /never import each other/],
  ['the bidders import the exchange', 'src/bidders/fixture.ts', '../exchange/auction.js', /never import each other/],
  ['the exchange imports the simulator', 'src/exchange/fixture.ts', '../sim/run/setup.js', /never import src\/sim/],
  [
    'the bidders import the simulator',
    'src/bidders/fixture.ts',
    '../sim/scenario/scenario.js',
    /never import src\/sim/,
  ],
  ['the protocol imports the building blocks', 'src/protocol/fixture.ts', '../lib/histogram.js', /imports nothing/],
  ['the protocol imports the exchange', 'src/protocol/fixture.ts', '../exchange/auction.js', /imports nothing/],
  ['a building block imports the protocol', 'src/lib/fixture.ts', '../protocol/openrtb.js', /import nothing/],
  ['simulator code imports a test helper', 'src/sim/run/fixture.ts', '../../../test/helpers/leaves.js', /test helpers/],
  ['exchange code imports the bench', 'src/exchange/fixture.ts', '../../bench/rig.js', /test helpers/],
];

const allowed: [string, string, string][] = [
  ['the simulator imports the exchange', 'src/sim/run/fixture.ts', '../../exchange/auction.js'],
  ['the simulator imports the bidders', 'src/sim/cli/fixture.ts', '../../bidders/host.js'],
  ['the exchange imports the protocol', 'src/exchange/fixture.ts', '../protocol/openrtb.js'],
  ['the bidders import a building block', 'src/bidders/fixture.ts', '../lib/min-heap.js'],
  ['a test beside the bidders imports a test helper', 'src/bidders/fixture.test.ts', '../../test/helpers/leaves.js'],
];

describe('lint keeps the import directions', () => {
  it.each(forbidden)('fails when %s', async (_what, at, spec, reason) => {
    const messages = await lint(at, `import { x } from '${spec}';\nexport const y = x;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.ruleId).toBe('no-restricted-imports');
    expect(messages[0]!.message).toMatch(reason);
  });

  it.each(allowed)('passes when %s', async (_what, at, spec) => {
    expect(await lint(at, `import { x } from '${spec}';\nexport const y = x;\n`)).toEqual([]);
  });

  it('fails on console output in the exchange', async () => {
    const messages = await lint('src/exchange/fixture.ts', "console.log('per message');\n");
    expect(messages.map((m) => m.ruleId)).toEqual(['no-console']);
  });
});
