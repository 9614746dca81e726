import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { firstSyntaxError, lineColumn, placeJsonError } from './json-error.js';
import { loadScenarioFile } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'scenario-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The issues as `path: message` lines, for the tests of the wording. */
function load(path: string): string {
  const r = loadScenarioFile(path);
  return r.ok ? 'ok' : r.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

/** Where each issue is and what kind it is. */
function codes(path: string): { path: string; code: string }[] {
  const r = loadScenarioFile(path);
  return r.ok ? [] : r.issues.map(({ path, code }) => ({ path, code }));
}

describe('loadScenarioFile', () => {
  it('loads a three-line file, named after the file', () => {
    const r = loadScenarioFile(file('three-lines.json', '{\n  "seed": 3\n}\n'));
    expect(r.ok && r.scenario.name).toBe('three-lines');
    expect(r.ok && r.scenario.seed).toBe(3);
  });

  it('tolerates a byte-order mark', () => {
    expect(load(file('bom.json', '\uFEFF{"seed": 2}'))).toBe('ok');
  });

  it('reports a missing file at its path', () => {
    const path = join(dir, 'absent.json');
    expect(codes(path)).toEqual([{ path, code: 'SCN_ERR_NO_FILE' }]);
  });

  it('reports an unreadable path, with the reason', () => {
    expect(codes(dir)).toEqual([{ path: dir, code: 'SCN_ERR_NO_FILE' }]);
    expect(load(dir)).toContain('(EISDIR)');
  });

  it('reports invalid JSON with line and column, when the engine gives a position and when not', () => {
    const a = file('a.json', '{\n  "name": "x",\n  "seed": tru\n}');
    expect(codes(a)).toEqual([{ path: a, code: 'SCN_ERR_BAD_JSON' }]);
    // Where the text breaks is the point of the message.
    expect(load(a)).toBe(`${a}: invalid JSON at line 3, column 14: Unexpected token '\\n'`);
    const b = file('b.json', '{\n  "seed": 1,\n}');
    expect(load(b)).toBe(`${b}: invalid JSON at line 3, column 1: Expected double-quoted property name`);
    const c = file('c.json', '{"seed": 1');
    expect(load(c)).toMatch(new RegExp(`^${c}: invalid JSON at line 1, column 11: `));
  });

  it('validates what it parsed', () => {
    const path = file('bad.json', '{"auction": {"tmaxMs": -5}}');
    expect(codes(path)).toEqual([{ path: 'auction.tmaxMs', code: 'SCN_ERR_OUT_OF_RANGE' }]);
  });
});

describe('json-error', () => {
  it('finds the first bad offset', () => {
    expect(firstSyntaxError('{"a": }')).toBe(6);
    expect(firstSyntaxError('[1,]')).toBe(3);
    expect(firstSyntaxError('{"a": 1} x')).toBe(9);
    expect(firstSyntaxError('"\\x"')).toBe(2);
    expect(firstSyntaxError('01')).toBe(1);
    expect(firstSyntaxError(' {"a": [1, -2.5e3, true, null, "\\u00e9"]} ')).toBeUndefined();
  });

  it('scans a text nested a million deep without recursion', () => {
    const n = 1_000_000;
    expect(firstSyntaxError(`${'['.repeat(n)}${']'.repeat(n)}`)).toBeUndefined();
    expect(firstSyntaxError(`${'['.repeat(n)}}`)).toBe(n);
    expect(firstSyntaxError(`${'{"a":'.repeat(n)}1${'}'.repeat(n - 1)}]`)).toBe(5 * n + 1 + n - 1);
    expect(firstSyntaxError('{"a": [{}, []], "b": {"c": [1, {"d": 2}]}}')).toBeUndefined();
    expect(firstSyntaxError('{"a" 1}')).toBe(5);
    expect(firstSyntaxError('{"a": 1,}')).toBe(8);
  });

  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 0)).toEqual({ line: 1, column: 1 });
  });

  it('places an engine error without its echo of the text', () => {
    const text = '{"a": }';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(placeJsonError(text, error)).toEqual({ offset: 6, line: 1, column: 7, reason: "Unexpected token '}'" });
  });

  it('agrees with JSON.parse on whether a text is valid', () => {
    const jsonish = fc.stringMatching(/^[{}[\]",:0-9a-z\\ .eE+-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.oneof(
          jsonish,
          fc.json(),
          fc.json().map((j) => j.slice(0, -1)),
        ),
        (text) => {
          let parses = true;
          try {
            JSON.parse(text);
          } catch {
            parses = false;
          }
          expect(firstSyntaxError(text) === undefined).toBe(parses);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
