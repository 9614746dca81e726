// `npm run sim -- FILE --processes K [--hosts M]`: K exchange segments as child processes, the leaves
// over M bidder hosts, merged into the run's folder.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, run, summaryOf, tempDir, writeScenario } from './helpers/cli.js';

afterAll(removeTempDirs);

const SIM = 'src/sim/cli/sim.ts';
const scenario = {
  name: 'spread',
  seed: 8,
  load: { rate: 120, durationSec: 2.5, warmupSec: 0.5 },
  auction: { tmaxMs: 80 },
  bidders: [
    { name: 'fast', count: 3, latency: { model: 'uniform', minMs: 2, maxMs: 10 } },
    { name: 'slow', count: 1, latency: { model: 'constant', ms: 120 } },
  ],
};

describe('npm run sim -- --processes', () => {
  it('refuses flags that cannot go together, before anything runs', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 's', scenario);
    for (const [args, named] of [
      [['--processes', '0'], /^--processes: must be an integer from 1 to 64/],
      [['--processes', '65'], /^--processes: must be an integer from 1 to 64/],
      [['--processes', '2', '--hosts', '0'], /^--hosts: must be an integer from 1 to 64/],
      [['--hosts', '2'], /^--hosts: needs --processes/],
      [['--start-at', '99999999999999'], /^--start-at: must be an integer from 0 to \d+/],
      [['--processes', '2', '--segment', '0/2'], /^--processes and --segment\/--segments: give one/],
      [['--processes', '2', '--hosts', '2', '--bidders', 'ws://127.0.0.1:1'], /^--hosts and --bidders: give one/],
    ] as const) {
      const r = await run(SIM, [file, ...args, '--out', join(dir, 'out')]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(named);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    }
  });

  it('runs a virtual run as 3 segment processes and merges them: the whole run, exactly counted', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 's', { ...scenario, mode: 'virtual' });
    const r = await run(SIM, [file, '--processes', '3', '--out', join(dir, 'k3')], 120_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/started 3 exchange segment\(s\)/);
    const whole = await run(SIM, [file, '--out', join(dir, 'one')], 60_000);
    expect(whole.status).toBe(0);
    const [k3, one] = [summaryOf(join(dir, 'k3')), summaryOf(join(dir, 'one'))];
    expect(readdirSync(join(dir, 'k3')).filter((f) => f.startsWith('segment-'))).toHaveLength(3);
    expect(k3.auctions.total).toBe(one.auctions.total);
    expect(k3.bids.sent).toBe(one.bids.sent);
    expect(k3.durationSec).toBe(one.durationSec);
    // The slow leaf never answers within tmax, in any segment.
    expect(k3.bidders['slow-1']!.timedOut).toBe(k3.bidders['slow-1']!.sent);
    expect(k3.merged).toEqual({ runs: 3, seeds: [8], pooled: false, segments: { '8': 3 } });
  }, 180_000);

  it('runs a live run as 2 exchange processes over 2 bidder hosts: exact accounting, both hosts used', async () => {
    const dir = tempDir();
    // A fifth leaf capped at 40 requests/s: each segment caps it at 20, so the two send it 40/s together.
    const capped = { name: 'capped', count: 1, qps: 40, latency: { model: 'uniform', minMs: 2, maxMs: 10 } };
    const file = writeScenario(dir, 's', { ...scenario, bidders: [...scenario.bidders, capped] });
    const r = await run(SIM, [file, '--processes', '2', '--hosts', '2', '--out', join(dir, 'live')], 120_000);
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stdout).toMatch(/started 2 bidder host\(s\): pid \d+ port \d+, pid \d+ port \d+/);
    const s = summaryOf(join(dir, 'live'));
    const parts = [0, 1].map((i) => summaryOf(join(dir, 'live', `segment-${i}-of-2`)));
    expect(s.bids.sent).toBe(parts[0]!.bids.sent + parts[1]!.bids.sent);
    const c = s.bidders['capped-1']!;
    expect(s.bids.sent + c.notSent.capped).toBe((s.auctions.total - s.auctions.skipped) * 5);
    // 2 s measured at 40/s is 80, plus what the buckets held (0.1 s of 20/s each); uncapped, 240.
    expect(c.sent).toBeGreaterThanOrEqual(70);
    expect(c.sent).toBeLessThanOrEqual(95);
    const b = s.bids;
    expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost).toBe(b.sent);
    const roles = s.harness!.processes.map((p) => p.role).sort();
    expect(roles).toEqual(['bidder-host', 'bidder-host', 'exchange', 'exchange']);
    // The run started its hosts and measured them: they are judged as a single run judges its own.
    const h = s.harness!;
    expect(h.reasons.join('\n')).not.toMatch(/ran outside this run/);
    expect(h.checks.filter((c) => c.id === 'host-utilisation')).toHaveLength(2);
    expect(h.hostLateness).not.toBeNull();
    expect(Object.keys(h.groups).sort()).toEqual(['capped', 'fast', 'slow']);
    // The hosts' load is read over the stretch the exchanges read theirs: warm-up end to last close
    // (before a32da45 it ran 0.27 s longer here: the grace, the reports, the exits). Held to 0.2 s
    // when the exchanges' loops kept time; a loaded machine's late timers move both ends.
    const wall = (role: string) => h.processes.filter((p) => p.role === role).map((p) => p.wallSec);
    const onTime = h.checks.filter((c) => c.id === 'event-loop-delay-p99').every((c) => c.level === 'ok');
    const bound = onTime ? 0.2 : 1;
    for (const host of wall('bidder-host')) expect(Math.abs(host - Math.max(...wall('exchange')))).toBeLessThan(bound);
    // Leaf k on host (k - 1) mod 2: each leaf was served by one host only.
    const state = JSON.parse(readFileSync(join(dir, 'live', 'run-state.json'), 'utf8')) as {
      hosts: Array<{ numbers: { requests: number } }>;
    };
    expect(state.hosts).toHaveLength(5);
    // The hosts start afresh when the segments' warm-up ends: they count the measured requests (a
    // fifth fewer than all they served), give or take those crossing the boundary.
    const served = state.hosts.reduce((n, h) => n + h.numbers.requests, 0);
    expect(Math.abs(served - s.bids.sent)).toBeLessThanOrEqual(0.03 * s.bids.sent + 8);
    const resolved = JSON.parse(readFileSync(join(dir, 'live', 'scenario.resolved.json'), 'utf8')) as {
      bidders: Array<{ hosts?: unknown }>;
    };
    // The run's folder holds the scenario as given: its hosts were the run's own, gone now.
    expect(resolved.bidders.every((g) => g.hosts === undefined)).toBe(true);
  }, 180_000);
});
