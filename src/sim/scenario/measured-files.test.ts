import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import type { LatencySpec, TableSpec } from '../../bidders/config.js';
import { latencyQuantile } from '../../bidders/latency-models.js';
import { newHistogram, recordMs } from '../../lib/histogram.js';
import { hgrmText } from '../report/hgrm.js';
import { csvFields, parseHgrm, parseSamples } from './measured-files.js';
import { loadScenarioFile, type Scenario } from './scenario.js';
import { applySettings } from './settings.js';
import { buildCells } from '../sweep/cells.js';
import { validateScenario } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'measured-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A scenario file beside the latency file, naming it relatively. */
function scenarioWith(latency: unknown, name = 'scenario.json'): string {
  return write(name, JSON.stringify({ mode: 'virtual', bidders: [{ name: 'dsp', latency }] }));
}

function codes(path: string): { path: string; code: string; message: string }[] {
  const r = loadScenarioFile(path);
  return r.ok ? [] : r.issues;
}

function table(s: Scenario): TableSpec {
  const g = s.bidders[0]!;
  if ('url' in g || g.latency.model !== 'table') throw new Error('expected a table latency');
  return g.latency;
}

function loaded(path: string): Scenario {
  const r = loadScenarioFile(path);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.scenario;
}

const at = 'bidders[0].latency.file';

describe('hgrm files', () => {
  const h = newHistogram();
  const rng = seedrandom('hgrm');
  for (let i = 0; i < 20_000; i++) recordMs(h, 5 + 40 * rng() * rng());
  const text = hgrmText(h);

  it('read as this tool writes them: the quantile at every row is the row value', () => {
    const parsed = parseHgrm(text, 'ms', 'f');
    if (!parsed.ok) throw new Error('expected a table');
    const rows = text
      .split('\n')
      .map((l) => /^\s*([\d.]+)\s+([\d.]+)\s+\d+/.exec(l))
      .filter((m) => m !== null);
    expect(rows.length).toBeGreaterThan(30);
    const spec = parsed.table;
    for (const [, value, level] of rows) {
      // A later row at the same percentile stands; rows repeat values, never levels, in these files.
      expect(latencyQuantile(spec, Number(level))).toBeCloseTo(Number(value), 9);
    }
    expect(spec.q[0]).toBe(0);
    expect(spec.q.at(-1)).toBe(1);
  });

  it('in the CSV form, in other units, and cut short at either end', () => {
    const csv =
      '"Value","Percentile","TotalCount","1/(1-Percentile)"\n1000.0,0.0,1,1.00\n2000.0,0.5,5,2.00\n9000.0,1.0,10,Infinity\n';
    const parsed = parseHgrm(csv, 'us', 'f');
    expect(parsed.ok && parsed.table).toEqual({ model: 'table', q: [0, 0.5, 1], ms: [1, 2, 9] });
    const cut = parseHgrm('  2.0 0.25 3 1.33\n  4.0 0.75 9 4.00\n#[Max = 4.0]\n', 'ms', 'f');
    expect(cut.ok && cut.table).toEqual({ model: 'table', q: [0, 0.25, 0.75, 1], ms: [2, 2, 4, 4] });
  });

  it('resolve relative to the scenario file, not the working directory, into a table that needs no file', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    write('sub/dsp.hgrm', text);
    const path = scenarioWith({ model: 'hgrm', file: 'dsp.hgrm' }, 'sub/s.json');
    const s = loaded(path);
    const t = table(s);
    expect(t.from).toBe(join(dir, 'sub', 'dsp.hgrm'));
    expect(latencyQuantile(t, 0.5)).toBeCloseTo(h.getValueAtPercentile(50) / 1000, 2);
    // The resolved scenario validates again without the file: a run never reads it.
    rmSync(join(dir, 'sub', 'dsp.hgrm'));
    const again = validateScenario(structuredClone(s));
    expect(again.ok && table(again.scenario)).toEqual(t);
  });

  it('stop on a missing, empty or malformed file, naming the field and the line', () => {
    expect(codes(scenarioWith({ model: 'hgrm', file: 'absent.hgrm' }))).toEqual([
      { path: at, code: 'SCN_ERR_NO_FILE', message: `no such file: ${join(dir, 'absent.hgrm')}` },
    ]);
    write('empty.hgrm', '       Value     Percentile TotalCount 1/(1-Percentile)\n\n#[Max = 0]\n');
    expect(codes(scenarioWith({ model: 'hgrm', file: 'empty.hgrm' })).map((i) => i.code)).toEqual(['SCN_ERR_EMPTY']);
    write(
      'bad.hgrm',
      '       Value     Percentile TotalCount 1/(1-Percentile)\n\n   1.0 0.0 1 1.0\n   2.0 0.5 x 2.0\n',
    );
    expect(codes(scenarioWith({ model: 'hgrm', file: 'bad.hgrm' }))).toEqual([
      {
        path: at,
        code: 'SCN_ERR_BAD_LINE',
        message: 'line 4: the total count must be a whole number, never below the row before (got "x")',
      },
    ]);
    write('falling.hgrm', '1.0 0.0 1 1.0\n3.0 0.5 5 2.0\n2.0 0.75 7 4.0\n');
    const falling = codes(scenarioWith({ model: 'hgrm', file: 'falling.hgrm' }));
    expect(falling.map((i) => [i.code, i.message.slice(0, 7)])).toEqual([['SCN_ERR_BAD_LINE', 'line 3:']]);
    write('words.hgrm', 'hello world\n');
    expect(codes(scenarioWith({ model: 'hgrm', file: 'words.hgrm' }))[0]?.message).toMatch(/^line 1: "hello world"/);
    write('slow.hgrm', '1.0 0.0 1 1.0\n700.0 1.0 2\n');
    const slow = codes(scenarioWith({ model: 'hgrm', file: 'slow.hgrm', unit: 's' }));
    expect(slow.map((i) => [i.code, i.message])).toEqual([
      ['SCN_ERR_BAD_LINE', 'line 2: the value is 700000 ms is past 600000 ms, the longest latency a model may give'],
    ]);
  });

  it('inside a mixture, each part with its own path', () => {
    write('m.hgrm', text);
    const path = scenarioWith({
      model: 'mixture',
      of: [
        { weight: 0.5, model: 'hgrm', file: 'm.hgrm' },
        { weight: 0.5, model: 'samples', file: 'nothing.csv' },
      ],
    });
    expect(codes(path).map((i) => [i.path, i.code])).toEqual([['bidders[0].latency.of[1].file', 'SCN_ERR_NO_FILE']]);
  });
});

describe('samples files', () => {
  it('one number a line, LF or CRLF, blank lines skipped, in ms unless a unit says', () => {
    const parsed = parseSamples('\uFEFF3\r\n1\r\n\r\n2\n', undefined, 'ms', 'f', 'c');
    if (!parsed.ok) throw new Error('expected a table');
    expect([0, 0.5, 1].map((q) => latencyQuantile(parsed.table, q))).toEqual([1, 2, 3]);
    const us = parseSamples('1500\n2500\n', undefined, 'us', 'f', 'c');
    expect(us.ok && [us.table.ms[0], us.table.ms.at(-1)]).toEqual([1.5, 2.5]);
  });

  it('a named column of a CSV with a header, quoted fields and all', () => {
    const csv = 'id,"latency, ms",status\n1,"12.5",ok\n2,7,"said ""no"""\n3,30,ok\n';
    const parsed = parseSamples(csv, 'latency, ms', 'ms', 'f', 'c');
    expect(parsed.ok && [parsed.table.ms[0], parsed.table.ms.at(-1)]).toEqual([7, 30]);
    expect(csvFields('a,"b ""q"", c",d')).toEqual(['a', 'b "q", c', 'd']);
    expect(csvFields('a,"open')).toBeNull();
  });

  it('keep the quantiles of 100,000 samples to within 0.1% from p1 to p99, and 1% in the tails', () => {
    const rng = seedrandom('samples');
    const values = Array.from({ length: 100_000 }, () => Math.exp(3 + 0.5 * Math.log(rng() / (1 - rng() + 1e-12))));
    const parsed = parseSamples(values.join('\n'), undefined, 'ms', 'f', 'c');
    if (!parsed.ok) throw new Error('expected a table');
    expect(parsed.table.q.length).toBeLessThan(700);
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999]) {
      // The samples' own quantile, linear between order statistics (as the table is at its rows).
      const h = (sorted.length - 1) * q;
      const lo = Math.floor(h);
      const exact = sorted[lo]! + (h - lo) * (sorted[lo + 1]! - sorted[lo]!);
      // Where the samples thin out, rows a few order statistics apart smooth their jitter.
      expect(Math.abs(latencyQuantile(parsed.table, q) / exact - 1), `q=${q}`).toBeLessThan(
        q < 0.01 || q > 0.99 ? 1e-2 : 1e-3,
      );
    }
  });

  it('stop on a column the header lacks, a bad value, a short row or a header without a column', () => {
    write('s.csv', 'id,ms\n1,10\n2,oops\n');
    const bad = codes(scenarioWith({ model: 'samples', file: 's.csv', column: 'ms' }));
    expect(bad).toEqual([{ path: at, code: 'SCN_ERR_BAD_LINE', message: 'line 3: "oops" is not a number' }]);
    const col = codes(scenarioWith({ model: 'samples', file: 's.csv', column: 'MS' }));
    expect(col.map((i) => [i.path, i.code])).toEqual([['bidders[0].latency.column', 'SCN_ERR_NOT_ONE_OF']]);
    expect(col[0]?.message).toContain('did you mean "ms"?');
    write('short.csv', 'id,ms\n1\n');
    expect(codes(scenarioWith({ model: 'samples', file: 'short.csv', column: 'ms' }))[0]?.message).toMatch(/^line 2: /);
    const header = codes(scenarioWith({ model: 'samples', file: 's.csv' }));
    expect(header[0]?.message).toBe('line 1: "id,ms" is not a number (a CSV with a header needs "column")');
    write('neg.csv', '5\n-1\n');
    expect(codes(scenarioWith({ model: 'samples', file: 'neg.csv' }))[0]?.message).toBe(
      'line 2: "-1" is a negative latency (-1)',
    );
    write('none.csv', 'ms\n\n');
    expect(codes(scenarioWith({ model: 'samples', file: 'none.csv', column: 'ms' })).map((i) => i.code)).toEqual([
      'SCN_ERR_EMPTY',
    ]);
  });
});

describe('files named by a sweep value or a --set', () => {
  const spec: LatencySpec = { model: 'constant', ms: 1 };
  write('a.csv', '1\n2\n3\n');
  write('b.csv', '10\n20\n30\n');

  it('resolve against the scenario file in every cell', () => {
    const path = write(
      'sweep.json',
      JSON.stringify({
        mode: 'virtual',
        bidders: [{ name: 'dsp', latency: spec }],
        sweep: {
          'bidders.0.latency': [
            { model: 'samples', file: 'a.csv' },
            { model: 'samples', file: 'b.csv' },
          ],
        },
      }),
    );
    const base = loaded(path);
    // The values hold absolute paths: cells built from the resolved scenario anywhere (a shard merged
    // elsewhere, no source) find the files.
    expect(base.sweep!['bidders.0.latency']).toEqual([
      { model: 'samples', file: join(dir, 'a.csv') },
      { model: 'samples', file: join(dir, 'b.csv') },
    ]);
    for (const built of [buildCells(base, 'virtual', 1, path), buildCells(structuredClone(base), 'virtual', 1)]) {
      if (!built.ok) throw new Error('expected cells');
      expect(built.cells.map((c) => latencyQuantile(table(c.scenario), 0.5))).toEqual([2, 20]);
      expect(built.cells.map((c) => c.values[0])).toEqual(base.sweep!['bidders.0.latency']);
    }
  });

  it('resolve against the scenario file for --set', () => {
    const path = scenarioWith(spec, 'set.json');
    const set = applySettings(
      loaded(path),
      [{ path: 'bidders.0.latency', value: { model: 'samples', file: 'b.csv' } }],
      path,
    );
    expect(set.ok && latencyQuantile(table(set.scenario), 1)).toBe(30);
  });
});
