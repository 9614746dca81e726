import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { requestFactory } from '../run/request-factory.js';
import { parseRecordedRequests } from './recorded-requests.js';
import { loadScenarioFile, validateScenario, type Scenario } from './scenario.js';
import { LIMITS } from './limits.js';

const dir = mkdtempSync(join(tmpdir(), 'recorded-requests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const line = (value: unknown): string => JSON.stringify(value);
const A = { id: 'x1', tmax: 90, at: 2, imp: [{ id: '1', bidfloor: 0.5, banner: { format: [{ w: 300, h: 250 }] } }] };
const B = {
  imp: [{ id: 'a', bidfloor: 2, bidfloorcur: 'USD', banner: { w: 728, h: 90 } }, { id: 'b' }],
  cur: ['EUR', 'USD'],
};

function scenarioWith(requests: unknown, extra: Record<string, unknown> = {}): string {
  return write('s.json', JSON.stringify({ mode: 'virtual', auction: { type: 'second-price' }, requests, ...extra }));
}

function load(path: string): Scenario {
  const r = loadScenarioFile(path);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

function issues(path: string): { path: string; code: string; message: string }[] {
  const r = loadScenarioFile(path);
  return r.ok ? [] : r.issues;
}

describe('recorded requests files', () => {
  it('keep impressions, sizes and floors as recorded, with OpenRTB defaults filled and a format sized', () => {
    const parsed = parseRecordedRequests(`${line(A)}\n\n${line(B)}\r\n`, 'f');
    if (!parsed.ok) throw new Error('expected requests');
    expect(parsed.requests).toEqual([
      {
        imp: [{ id: '1', bidfloor: 0.5, bidfloorcur: 'USD', banner: { format: [{ w: 300, h: 250 }], w: 300, h: 250 } }],
        cur: ['USD'],
      },
      {
        imp: [
          { id: 'a', bidfloor: 2, bidfloorcur: 'USD', banner: { w: 728, h: 90 } },
          { id: 'b', bidfloor: 0, bidfloorcur: 'USD' },
        ],
        cur: ['EUR', 'USD'],
      },
    ]);
  });

  it('stop on every bad line, each with its number, before anything runs', () => {
    const text = [
      line(A),
      '{"imp": [',
      '[1, 2]',
      line({ imp: [] }),
      line({ imp: [{ id: '1', bidfloor: 1, bidfloorcur: 'EUR' }] }),
      line({ imp: [{ id: '1' }, { id: '1' }] }),
      line({ imp: [{ id: '1', banner: {} }] }),
      line({ imp: [{ id: '1', bidfloor: -1 }] }),
      line({ imp: [{ id: '1' }], site: { id: 's', domain: 7 } }),
      line({ imp: [{ id: '1' }], cur: ['EUR'] }),
    ].join('\n');
    const r = loadScenarioFile(scenarioWith({ file: write('bad.jsonl', text) }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.every((i) => i.path === 'requests.file' && i.code === 'SCN_ERR_BAD_LINE')).toBe(true);
    expect(r.issues.map((i) => i.message)).toEqual([
      'line 2, column 10: not JSON (Unexpected end of JSON input)',
      'line 3: must be a JSON object (a BidRequest)',
      'line 4: imp: must be a non-empty array',
      'line 5: imp[0].bidfloorcur: must be USD, the exchange\'s currency (got "EUR"); floors are not converted',
      'line 6: imp[1].id: duplicates imp[0]',
      'line 7: imp[0].banner: needs w and h, or a format list to take them from',
      'line 8: imp[0].bidfloor: must be a finite number >= 0',
      'line 9: site.domain: must be a string',
      'line 10: cur: must include USD, the currency bids are taken in (got ["EUR"])',
    ]);
  });

  it('stop on a missing or empty file, too many lines, a line too long, or a bad order', () => {
    const absent = issues(scenarioWith({ file: 'absent.jsonl' }));
    expect(absent.map((i) => [i.path, i.code, i.message])).toEqual([
      ['requests.file', 'SCN_ERR_NO_FILE', `no such file: ${join(dir, 'absent.jsonl')}`],
    ]);
    write('empty.jsonl', '\n\n');
    expect(issues(scenarioWith({ file: 'empty.jsonl' })).map((i) => i.code)).toEqual(['SCN_ERR_EMPTY']);
    write('many.jsonl', '\n'.repeat(LIMITS.requestsLines));
    expect(issues(scenarioWith({ file: 'many.jsonl' })).map((i) => i.code)).toEqual(['SCN_ERR_TOO_LARGE']);
    write('long.jsonl', `${line({ imp: [{ id: '1' }], pad: 'x'.repeat(LIMITS.requestLineBytes) })}\n`);
    expect(issues(scenarioWith({ file: 'long.jsonl' })).map((i) => [i.code, i.message.slice(0, 7)])).toEqual([
      ['SCN_ERR_TOO_LARGE', 'line 1:'],
    ]);
    write('ok.jsonl', line(A));
    expect(issues(scenarioWith({ file: 'ok.jsonl', order: 'random' })).map((i) => [i.path, i.code])).toEqual([
      ['requests.order', 'SCN_ERR_NOT_ONE_OF'],
    ]);
    expect(issues(scenarioWith({ order: 'sample' })).map((i) => [i.path, i.code])).toEqual([
      ['requests.file', 'SCN_ERR_MISSING'],
    ]);
    expect(issues(scenarioWith({ file: 'ok.jsonl', File: 'x' })).map((i) => [i.path, i.code])).toEqual([
      ['requests.File', 'SCN_ERR_UNKNOWN_KEY'],
    ]);
  });

  it('resolve relative to the scenario file, hold the absolute path, and read a changed file again', () => {
    write('r.jsonl', `${line(A)}\n`);
    const s = load(scenarioWith({ file: 'r.jsonl' }));
    expect(s.requests).toEqual({ file: join(dir, 'r.jsonl'), order: 'sequential' });
    // Validated again (a sweep cell, a --set) from anywhere, the absolute path still names the file.
    expect(validateScenario(structuredClone(s)).ok).toBe(true);
    // A sweep over the file names it absolutely too, so cells built anywhere find it.
    const swept = load(scenarioWith({ file: 'r.jsonl' }, { sweep: { 'requests.file': ['r.jsonl'] } }));
    expect(swept.sweep).toEqual({ 'requests.file': [join(dir, 'r.jsonl')] });
    write('r.jsonl', `${line(A)}\nnot json\n`);
    expect(validateScenario(structuredClone(s)).ok).toBe(false);
  });
});

describe('the request factory with recorded requests', () => {
  write('f.jsonl', `${line(A)}\n${line(B)}\n`);

  it('sends them in file order, cycling, with the auction id, tmax 0 and the scenario auction type', () => {
    const make = requestFactory(load(scenarioWith({ file: 'f.jsonl' })), seedrandom('r'));
    const made = ['a1', 'a2', 'a3'].map((id) => make(id));
    expect(made.map((r) => [r.id, r.tmax, r.at, r.imp.map((i) => `${i.id}@${i.bidfloor}`).join(' ')])).toEqual([
      ['a1', 0, 2, '1@0.5'],
      ['a2', 0, 2, 'a@2 b@0'],
      ['a3', 0, 2, '1@0.5'],
    ]);
    // Each auction's request is its own object: the exchange writes tmax and at into it.
    made[0]!.tmax = 55;
    expect(made[2]!.tmax).toBe(0);
  });

  it('samples them with its seeded stream, the same for the same seed', () => {
    const s = load(scenarioWith({ file: 'f.jsonl', order: 'sample' }));
    const ids = (seed: string): string => {
      const make = requestFactory(s, seedrandom(seed));
      return Array.from({ length: 40 }, (_, i) => make(`a${i}`).imp[0]!.id).join('');
    };
    expect(ids('x')).toBe(ids('x'));
    expect(ids('x')).not.toBe(ids('y'));
    const first = ids('x')
      .split('')
      .filter((c) => c === '1').length;
    expect(first).toBeGreaterThan(5);
    expect(first).toBeLessThan(35);
  });
});
