// Bad scenario input at the command line: exit 2, a message naming the file and the fields, and
// nothing written (the --out folder is never created).

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssues, validateScenario } from '../../src/sim/scenario/scenario.js';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function expectRefused(path: string, ...expected: string[]): Promise<void> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = await runCli('src/sim/cli/sim.ts', [path, '--out', out]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(path);
  for (const e of expected) expect(r.stderr).toContain(e);
  expect(existsSync(out)).toBe(false);
}

describe('bad scenario input: exit 2, named, nothing written', () => {
  it('invalid fields: types, ranges, unknown keys with a did-you-mean, impossible combinations', async () => {
    const path = file(
      'bad.json',
      JSON.stringify({
        seed: 'one',
        load: { rate: -5 },
        auction: { tmaxMs: 50, allowanceMs: 50, maxPayloadBytes: 10 },
        bidders: [{ name: 'x', count: 2, latncy: {}, hostile: { mode: 'flod' }, token: 'has space' }],
      }),
    );
    await expectRefused(
      path,
      'seed: must be an integer (got "one")',
      'load.rate: must be a positive number (got -5)',
      'auction.allowanceMs: must be less than tmaxMs (50)',
      'auction.maxPayloadBytes: must be an integer from 1024 to 67108864 (got 10)',
      'bidders[0].latncy: unknown key (did you mean "latency"?)',
      'bidders[0].hostile.mode: must be one of',
      'did you mean "flood"?',
      'bidders[0].token: must be 1 to 200 printable ASCII characters without spaces (got a string of 9)',
    );
  });

  it('a file that does not exist', async () => {
    await expectRefused(join(dir, 'absent.json'), 'no such file');
  });

  it('a file that cannot be read (a directory)', async () => {
    const path = join(dir, 'a-directory.json');
    mkdirSync(path);
    await expectRefused(path, 'cannot read the file (EISDIR)');
  });

  it('invalid JSON, with the line and column', async () => {
    await expectRefused(
      file('broken.json', '{\n  "seed": 1,\n  "load": { "rate": 5, }\n}\n'),
      'invalid JSON at line 3, column',
    );
  });

  it('a name that would leave the reports folder', async () => {
    await expectRefused(
      file('escape.json', JSON.stringify({ name: '../../etc' })),
      'name: must be 1 to 100 of letters',
    );
  });

  it('hostile and token fields: checked at their own paths', () => {
    const issues = (raw: unknown): string => {
      const r = validateScenario(raw);
      return r.ok ? 'ok' : formatIssues(r.issues);
    };
    expect(issues({ bidders: [{ name: 'h', hostile: { mode: 'price', priceText: 'NaN', bytes: 10 } }] })).toBe('ok');
    expect(issues({ bidders: [{ name: 'h', hostile: { mode: 'price', priceText: 'x}' } }] })).toBe(
      'bidders[0].hostile.priceText: must be a number token, NaN, Infinity or a short quoted string (got "x}")',
    );
    expect(issues({ bidders: [{ name: 'h', hostile: { mode: 'flood', rat: 5 } }] })).toBe(
      'bidders[0].hostile.rat: unknown key (did you mean "rate"?)',
    );
    expect(issues({ mode: 'virtual', bidders: [{ name: 'h', hostile: { mode: 'flood' } }] })).toBe(
      'bidders[0].hostile: hostile bidders need live mode (they misbehave on real sockets)',
    );
    expect(
      issues({
        bidders: [
          { name: 'a', token: 't1' },
          { name: 'b', token: 't2' },
        ],
      }),
    ).toBe(
      'bidders[1].token: must be the same as bidders[0].token: local groups share one bidder host, which checks one token',
    );
    expect(issues({ bidders: [{ name: 'p', url: 'ws://127.0.0.1:1/p', token: 'abc' }] })).toBe('ok');
    expect(issues({ bidders: [{ name: 'p', url: 'ws://127.0.0.1:1/p', token: 'a\r\nX-Evil: 1' }] })).toMatch(
      /^bidders\[0\]\.token: must be/,
    );
  });
});
