import { describe, expect, it } from 'vitest';
import { buildSummary, type Summary } from '../metrics/summary.js';
import { Metrics } from '../metrics/metrics.js';
import { buildCells } from './cells.js';
import { repeatJobs } from './repeats.js';
import {
  MAX_SHARDS,
  mergeShards,
  readShardFile,
  resolveShard,
  SHARD_FORMAT,
  shardJobs,
  sweepId,
  type ShardFile,
} from './shard.js';
import { valid } from '../../../test/helpers/scenarios.js';
import { testSummaryInput } from '../../../test/helpers/summary-input.js';

const base = valid({
  name: 'x',
  mode: 'virtual',
  sweep: { 'auction.tmaxMs': [40, 80, 120], 'bidders.0.count': [2, 3] },
});

describe('resolveShard', () => {
  const env = {};
  it('reads --shard i/n with i counted from 0', () => {
    expect(resolveShard({ shard: '0/2' }, env)).toEqual({ ok: true, shard: { index: 0, count: 2 } });
    expect(resolveShard({ shard: '1/2' }, env)).toEqual({ ok: true, shard: { index: 1, count: 2 } });
    expect(resolveShard({ shard: `0/${MAX_SHARDS}` }, env)).toMatchObject({ ok: true });
  });

  it('refuses 2/2, 0/0, -1/2 and other forms, naming --shard and showing what was given', () => {
    for (const bad of [
      '2/2',
      '0/0',
      '-1/2',
      '1',
      '1/2/3',
      'a/2',
      '1.5/2',
      '0x1/2',
      ' 1/2',
      `0/${MAX_SHARDS + 1}`,
      '',
    ]) {
      const r = resolveShard({ shard: bad }, env);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^--shard: /);
      if (!r.ok) expect(r.message).toContain(`(got ${JSON.stringify(bad)})`);
    }
  });

  it('takes the index from JOB_COMPLETION_INDEX only with --shards', () => {
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '1' })).toEqual({ ok: true, shard: null });
    expect(resolveShard({ shards: '3' }, { JOB_COMPLETION_INDEX: '2' })).toEqual({
      ok: true,
      shard: { index: 2, count: 3 },
    });
    // An explicit --shard wins over nothing: the variable is not read at all.
    expect(resolveShard({ shard: '0/3' }, { JOB_COMPLETION_INDEX: '2' })).toEqual({
      ok: true,
      shard: { index: 0, count: 3 },
    });
  });

  it('refuses --shards without the variable, an index out of range, and both flags at once', () => {
    const cases: Array<[Parameters<typeof resolveShard>[0], Record<string, string>, RegExp]> = [
      [{ shards: '3' }, {}, /^--shards: needs JOB_COMPLETION_INDEX/],
      [
        { shards: '3' },
        { JOB_COMPLETION_INDEX: '3' },
        /^JOB_COMPLETION_INDEX \(with --shards 3\): the shard index must be an integer from 0 to 2.*"3"/,
      ],
      [
        { shards: '3' },
        { JOB_COMPLETION_INDEX: '-1' },
        /^JOB_COMPLETION_INDEX \(with --shards 3\): the shard index .*"-1"/,
      ],
      [
        { shards: '0' },
        { JOB_COMPLETION_INDEX: '0' },
        /^--shards: the count of shards must be an integer from 1 to 10000 \(got "0"\)/,
      ],
      [{ shard: '0/3', shards: '3' }, {}, /^--shard and --shards: give one/],
    ];
    for (const [flags, e, message] of cases) {
      const r = resolveShard(flags, e);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
  });
});

describe('shardJobs', () => {
  const built = buildCells(base, 'virtual', 3);
  if (!built.ok) throw new Error('cells');
  const jobs = repeatJobs(built.cells, 3);

  it('splits the runs into n disjoint shards that together are every run, for n up to past the run count', () => {
    for (const n of [1, 2, 3, 5, 7, jobs.length, jobs.length + 3]) {
      const parts = Array.from({ length: n }, (_, i) => shardJobs(jobs, { index: i, count: n }));
      const indices = parts.flatMap((p) => p.map((j) => j.index)).sort((a, b) => a - b);
      expect(indices).toEqual(jobs.map((j) => j.index));
      // Striped: no shard has more than one run above another.
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps each run the same job, seed included, in whichever shard it lands', () => {
    const part = shardJobs(jobs, { index: 1, count: 4 });
    for (const j of part) expect(j).toBe(jobs[j.index]);
    expect(part.map((j) => j.scenario.seed)).toEqual(part.map((j) => jobs[j.index]!.scenario.seed));
  });
});

function summary(seed: number): Summary {
  const s = buildSummary(
    new Metrics([]),
    testSummaryInput({ scenario: 'x', mode: 'virtual', tmaxMs: 80, floor: 0, leaves: 2 }),
  );
  s.seed = seed;
  return s;
}

/** The shard files of a sweep of `runs` runs split `n` ways, as the CLI writes them. */
function shards(n: number, runs: number, resolved: Record<string, unknown> = { name: 'x', seed: 1 }): ShardFile[] {
  return Array.from({ length: n }, (_, i) => ({
    format: SHARD_FORMAT,
    sweep: sweepId(resolved),
    shard: { index: i, count: n },
    runs,
    resolved,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    wallSec: 2,
    results: Array.from({ length: runs }, (_, k) => k)
      .filter((k) => k % n === i)
      .map((k) => ({ index: k, cell: Math.floor(k / 2), repeat: k % 2, summary: summary(k) })),
  }));
}

const roundTrip = (f: ShardFile): unknown => JSON.parse(JSON.stringify(f));

describe('readShardFile', () => {
  it('reads back what a shard writes', () => {
    for (const f of shards(3, 7)) expect(readShardFile(roundTrip(f))).toEqual({ ok: true, file: f });
  });

  it('refuses what is not a shard, or a shard whose scenario no longer matches its hash', () => {
    const [f] = shards(2, 4);
    const bad: Array<[unknown, RegExp]> = [
      [{ scenario: 'x' }, /is not a sweep shard/],
      [null, /is not a sweep shard/],
      [{ ...f, resolved: { name: 'y', seed: 1 } }, /^resolved: does not match/],
      [{ ...f, shard: { index: 2, count: 2 } }, /^shard: /],
      [{ ...f, results: [{ ...f!.results[0], index: 1 }] }, /run 1 is not one of shard 0\/2's/],
      [{ ...f, results: [{ ...f!.results[0], summary: { x: 1 } }] }, /summary: is not a run summary/],
      [{ ...f, startedAt: 'yesterday' }, /^startedAt/],
    ];
    for (const [value, message] of bad) {
      const r = readShardFile(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
  });
});

describe('mergeShards', () => {
  const dirs = (n: number): string[] => Array.from({ length: n }, (_, i) => `/r/shard-${i}`);

  it('puts every run back in job order, whatever order the folders come in, spanning their times', () => {
    const files = shards(3, 8);
    const merged = mergeShards([files[2]!, files[0]!, files[1]!], dirs(3));
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    expect(merged.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(merged.results.map((r) => r.summary.seed)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(merged.startedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    // The last shard started 2 s after the first and took 2 s.
    expect(merged.wallSec).toBe(4);
  });

  it('refuses a missing shard, a shard given twice, two splits and two sweeps, naming the folders', () => {
    const files = shards(3, 8);
    const other = shards(3, 8, { name: 'x', seed: 2 });
    const cases: Array<[ShardFile[], RegExp]> = [
      [[files[0]!, files[2]!], /shard 1\/3 missing: a merge needs all 3/],
      [[files[0]!, files[1]!, files[1]!, files[2]!], /\/r\/shard-1 and \/r\/shard-2 are both shard 1\/3/],
      [[files[0]!, shards(2, 8)[1]!], /split two ways/],
      [
        [files[0]!, other[1]!, files[2]!],
        /\/r\/shard-1 is a shard of another sweep than \/r\/shard-0 \(the scenarios differ in seed\)/,
      ],
      [[], /at least one/],
      [[{ ...files[0]!, results: [] }, files[1]!, files[2]!], /run 0 is in none of the shards/],
    ];
    for (const [list, message] of cases) {
      const r = mergeShards(list, dirs(list.length));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message);
    }
  });
});
