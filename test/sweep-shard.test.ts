// Sharded sweeps as a user runs them: n shard processes (one told its index by JOB_COMPLETION_INDEX,
// as a Kubernetes Indexed Job tells its pods), then --merge, against one unsharded run of the same
// sweep: in virtual time the reports are the same bytes apart from timestamps and wall time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, run, tempDir, writeScenario } from './helpers/cli.js';
import { SWEEP_REPORTS, withoutTimes } from './helpers/sweep-times.js';

const SWEEP = 'src/sim/cli/sweep.ts';

const scenario = {
  name: 'shards',
  seed: 5,
  mode: 'virtual',
  load: { rate: 400, auctions: 300, warmupSec: 0 },
  bidders: [{ name: 'dsp', count: 2, latency: { model: 'lognormal', medianMs: 30, p99Ms: 120 } }],
  thresholds: { 'rates.timeout': '<0.2' },
  repeats: 2,
  sweep: { 'auction.tmaxMs': [40, 80, 160], 'bidders.0.count': [2, 3] },
};

describe('npm run sweep -- --shard, --merge', () => {
  afterAll(removeTempDirs);
  const dir = tempDir();
  const file = writeScenario(dir, 'shards', scenario);

  it('merges 3 shards into the reports of the unsharded sweep, byte for byte apart from times', async () => {
    const whole = join(dir, 'whole');
    const r = await run(SWEEP, [file, '--out', whole, '--workers', '2'], 90_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The shards share one --out, each writing into shard-i-of-3 inside it.
    const shared = join(dir, 'sharded');
    const shardDirs = [0, 1, 2].map((i) => join(shared, `shard-${i}-of-3`));
    // Shard 1 is told its index as a Kubernetes pod is, through the environment.
    const ran = await Promise.all([
      run(SWEEP, [file, '--shard', '0/3', '--out', shared, '--workers', '1'], 90_000),
      runWithIndex(['--shards', '3', '--out', shared], '1'),
      run(SWEEP, [file, '--shard', '2/3', '--out', shared, '--workers', '1'], 90_000),
    ]);
    for (const s of ran) expect(s.status, s.stderr).toBe(0);
    // Each shard ran only its stripe of the 12 runs: 4 each.
    for (const d of shardDirs) {
      const shard = JSON.parse(readFileSync(join(d, 'shard.json'), 'utf8')) as { results: unknown[] };
      expect(shard.results).toHaveLength(4);
      expect(existsSync(join(d, 'sweep.json'))).toBe(false);
    }
    const merged = join(dir, 'merged');
    const m = await run(SWEEP, ['--merge', shardDirs[2]!, shardDirs[0]!, shardDirs[1]!, '--out', merged], 60_000);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    // The same recommendation line, and the same files.
    expect(m.stdout).toContain(/RECOMMENDATION: .*/.exec(r.stdout)![0]);
    // The folder they share stands for its shards.
    const byParent = await run(SWEEP, ['--merge', shared, '--out', join(dir, 'merged-parent')], 60_000);
    expect(byParent.status, byParent.stderr).toBe(0);
    expect(withoutTimes(readFileSync(join(dir, 'merged-parent', 'sweep.json'), 'utf8'))).toBe(
      withoutTimes(readFileSync(join(whole, 'sweep.json'), 'utf8')),
    );
    for (const name of SWEEP_REPORTS) {
      const a = readFileSync(join(whole, name), 'utf8');
      const b = readFileSync(join(merged, name), 'utf8');
      expect(withoutTimes(b), name).toBe(withoutTimes(a));
    }
    // And the times did differ, so the comparison compared something beyond them.
    expect(readFileSync(join(merged, 'sweep.json'), 'utf8')).not.toBe(readFileSync(join(whole, 'sweep.json'), 'utf8'));

    function runWithIndex(args: string[], index: string): ReturnType<typeof run> {
      const before = process.env.JOB_COMPLETION_INDEX;
      process.env.JOB_COMPLETION_INDEX = index;
      try {
        return run(SWEEP, [file, ...args, '--workers', '1'], 90_000);
      } finally {
        if (before === undefined) delete process.env.JOB_COMPLETION_INDEX;
        else process.env.JOB_COMPLETION_INDEX = before;
      }
    }
  }, 240_000);

  it('refuses bad shard specs before anything runs, naming the flag (exit 2)', async () => {
    const plain = writeScenario(dir, 'plain', { name: 'plain', mode: 'virtual' });
    const cases: Array<[string[], string]> = [
      [[plain, '--shard', '0/2'], '--shard: '],
      [[file, '--shard', '2/2'], '--shard: the shard index must be an integer from 0 to 1'],
      [[file, '--shard', '0/0'], '--shard: the count of shards must be an integer from 1'],
      [[file, '--shard', '-1/2'], '--shard: the shard index'],
      [[file, '--shards', '2'], '--shards: needs JOB_COMPLETION_INDEX'],
    ];
    const results = await Promise.all(
      cases.map(([args], i) => run(SWEEP, [...args, '--out', join(dir, `bad-${i}`)], 60_000)),
    );
    results.forEach((r, i) => {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(cases[i]![1]);
      expect(existsSync(join(dir, `bad-${i}`))).toBe(false);
    });
  }, 120_000);

  it('refuses to merge shards of different sweeps, or a folder that is no shard (exit 2)', async () => {
    const a = join(dir, 'a', 'shard-0-of-2');
    const b = join(dir, 'b', 'shard-1-of-2');
    const other = writeScenario(dir, 'other', { ...scenario, seed: 6 });
    const [ra, rb] = await Promise.all([
      run(SWEEP, [file, '--shard', '0/2', '--out', join(dir, 'a'), '--workers', '1'], 90_000),
      run(SWEEP, [other, '--shard', '1/2', '--out', join(dir, 'b'), '--workers', '1'], 90_000),
    ]);
    expect(ra.status, ra.stderr).toBe(0);
    expect(rb.status, rb.stderr).toBe(0);
    const notShard = tempDir();
    writeFileSync(join(notShard, 'summary.json'), '{}');
    const [mixed, none, alone] = await Promise.all([
      run(SWEEP, ['--merge', a, b, '--out', join(dir, 'mixed')], 60_000),
      run(SWEEP, ['--merge', a, notShard, '--out', join(dir, 'none')], 60_000),
      run(SWEEP, ['--merge', a, '--out', join(dir, 'alone')], 60_000),
    ]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain(
      `--merge: ${b} is a shard of another sweep than ${a} (the scenarios differ in seed)`,
    );
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`--merge: ${notShard} is not a sweep shard`);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--merge: shard 1/2 missing');
    for (const d of ['mixed', 'none', 'alone']) expect(existsSync(join(dir, d))).toBe(false);
  }, 180_000);
});
