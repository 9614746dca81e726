// The simulator as a user drives it: `npm run sim` and `npm run bidders` as processes, with their
// exit statuses, report folders and signals. Each run is small (about a second of arrivals).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/sim/metrics/summary.js';
import type { Scenario } from '../src/sim/scenario/scenario.js';
import {
  alive,
  finish,
  groupAlive,
  removeTempDirs,
  run,
  start,
  tempDir,
  waitForOutput,
  withoutHarnessWarning,
  writeScenario,
} from './helpers/cli.js';

afterAll(removeTempDirs);

const small = {
  name: 'small',
  load: { rate: 100, durationSec: 1.5, warmupSec: 0.5 },
  auction: { tmaxMs: 80 },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'uniform', minMs: 2, maxMs: 10 } },
    { name: 'slow', count: 1, latency: { model: 'constant', ms: 150 } },
  ],
};

/**
 * The fast leaf (2–10 ms against an 80 ms deadline) answered every request it was sent: on time, or,
 * when a stalled machine held the answer past the deadline, late. Only when the harness says the run
 * measured the bidders rather than the machine is a timeout ruled out.
 */
function fastLeafAnsweredAll(s: Summary): void {
  const called = s.auctions.total - s.auctions.skipped;
  const b = s.bidders['fast-1']!;
  expect(b.sent).toBe(called);
  expect(b.onTime + b.noBid + b.late).toBe(called);
  if (s.harness?.verdict === 'ok' && s.harness.reasons.length === 0) expect(b.timedOut).toBe(0);
}

function readSummary(dir: string): Summary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
}

function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('npm run sim', () => {
  it('runs a scenario, writes a summary whose accounting adds up, and exits 0', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'small', small), '--out', out]);
    expect(withoutHarnessWarning(r.stderr)).toBe('');
    expect(r.status).toBe(0);
    const s = readSummary(out);
    expect(s.auctions.total).toBeGreaterThan(50);
    // An auction the exchange reached too late to call anyone (a stalled, loaded machine) is skipped.
    const called = s.auctions.total - s.auctions.skipped;
    expect(s.bids.sent).toBe(called * 3);
    expect(s.bids.sent).toBe(s.bids.onTime + s.bids.noBid + s.bids.invalid + s.bids.timedOut + s.bids.lost);
    // The constant 150 ms leaf misses every 80 ms deadline and answers late.
    expect(s.bidders['slow-1']!.timedOut).toBe(called);
    expect(s.bidders['slow-1']!.late).toBeGreaterThan(0);
    fastLeafAnsweredAll(s);
    expect(s.latency.auction.p50).toBeGreaterThanOrEqual(80);
    expect(r.stdout).toContain(`report: ${out}`);
  });

  it('stops a malformed scenario before anything runs: path and expectation, exit 2, nothing written', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const bad = {
      auction: { tmaxMs: -5 },
      bidders: [
        { name: 'a', latency: { model: 'lognormall' } },
        { name: 'b', latency: { model: 'lognormal', medianMs: 20, p99Ms: 10 } },
      ],
      lod: {},
    };
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'bad', bad), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('auction.tmaxMs: must be a positive number (got -5)');
    expect(r.stderr).toContain('bidders[0].latency.model: must be one of');
    expect(r.stderr).toContain('bidders[1].latency.p99Ms: must be greater than medianMs (20)');
    expect(r.stderr).toContain('lod: unknown key (did you mean "load"?)');
    expect(existsSync(out)).toBe(false);
  });

  it('stops a bad capacity or tmax rule before anything runs, naming the field and its code (exit 2)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const bad = {
      bidders: [{ name: 'q', capacity: { concurrency: 1.5, queue: -1 }, bid: { respectTmax: 'yes' } }],
    };
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'bad-capacity', bad), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bidders\[0\]\.capacity\.concurrency: .*\[SCN_ERR_NOT_AN_INTEGER\]/);
    expect(r.stderr).toMatch(/bidders\[0\]\.capacity\.queue: .*\(got -1\) \[SCN_ERR_OUT_OF_RANGE\]/);
    expect(r.stderr).toMatch(/bidders\[0\]\.bid\.respectTmax: .*\[SCN_ERR_WRONG_TYPE\]/);
    expect(existsSync(out)).toBe(false);
  });

  it('takes a negative flag value and lets the scenario validator name it (not parseArgs\' "ambiguous")', async () => {
    const r = await run('src/sim/cli/sim.ts', ['--duration', '-1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('load.durationSec: must be a positive number (got -1)');
  });

  it('prints progress at most every few seconds when stdout is not a terminal, and always the last', async () => {
    // 600 simulated seconds report progress 600 times; piped, they must not become 600 lines.
    const long = { ...small, name: 'long-virtual', mode: 'virtual', load: { rate: 5, durationSec: 600, warmupSec: 1 } };
    const dir = tempDir();
    const started = performance.now();
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'long-virtual', long), '--out', join(dir, 'out')]);
    const wallSec = (performance.now() - started) / 1000;
    expect(r.status).toBe(0);
    const progress = r.stdout.split('\n').filter((l) => /^\d+\.\d\/600s {2}\d+ auctions/.test(l));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(2 + Math.ceil(wallSec / 5));
    expect(progress.at(-1)).toMatch(/^60\d\.\d\/600s/);
    expect(r.stdout).not.toContain('\r');
  });

  it('takes --set overrides and writes the scenario as it ran, which runs again to the same summary', async () => {
    const dir = tempDir();
    const first = join(dir, 'first');
    const file = writeScenario(dir, 'set', { ...small, mode: 'virtual' });
    const r = await run('src/sim/cli/sim.ts', [
      file,
      '--set',
      'auction.type=second-price',
      '--set',
      'bidders.1.latency={"model":"constant","ms":5}',
      '--tmax',
      '60',
      '--out',
      first,
    ]);
    expect(r.status).toBe(0);
    const resolved = JSON.parse(readFileSync(join(first, 'scenario.resolved.json'), 'utf8')) as Scenario;
    expect(resolved.auction).toMatchObject({ type: 'second-price', tmaxMs: 60, allowanceMs: 5 });
    expect(resolved.bidders[1]).toMatchObject({ name: 'slow', latency: { model: 'constant', ms: 5 } });
    const summary = readSummary(first);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(summary.tool).toMatchObject({ name: pkg.name, version: pkg.version, commit: head });
    // The resolved file is a scenario: run again, it gives the same summary (virtual time).
    const second = join(dir, 'second');
    expect((await run('src/sim/cli/sim.ts', [join(first, 'scenario.resolved.json'), '--out', second])).status).toBe(0);
    const strip = (s: Summary): Summary => ({ ...s, startedAt: '' });
    expect(strip(readSummary(second))).toEqual(strip(summary));
    // A --set naming no field stops before anything runs.
    const bad = await run('src/sim/cli/sim.ts', [file, '--set', 'auction.tmaxMS=80', '--out', join(dir, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      '--set auction.tmaxMS: no such field in the scenario (did you mean "auction.tmaxMs"?) [SCN_ERR_BAD_PATH]',
    );
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('refuses a report folder it cannot make before running anything (exit 2), instead of hanging', async () => {
    const r = await run('src/sim/cli/sim.ts', ['--mode', 'virtual', '--out', '/proc/rtb-sim-nope'], 15_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out: cannot create folder /proc/rtb-sim-nope: ENOENT');
    expect(r.stdout).not.toContain('running');
  });

  it('exits 1 after writing the report when a threshold fails, and 2 for a threshold path that does not exist', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const failing = { ...small, thresholds: { 'rates.timeout': '<0.01', 'latency.auction.p50': '>0' } };
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'gate', failing), '--out', out]);
    expect(r.status).toBe(1);
    const s = readSummary(out);
    expect(s.thresholds).toEqual([
      { metric: 'rates.timeout', op: '<', value: 0.01, actual: s.rates.timeout, pass: false },
      { metric: 'latency.auction.p50', op: '>', value: 0, actual: s.latency.auction.p50, pass: true },
    ]);
    const typo = await run('src/sim/cli/sim.ts', [
      writeScenario(dir, 'typo', { ...small, thresholds: { 'rates.timout': '<1' } }),
      '--out',
      join(dir, 'typo'),
    ]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain(
      'thresholds["rates.timout"]: names no number in summary.json (did you mean "rates.timeout"?)',
    );
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('on a terminal Ctrl-C (SIGINT to the process group) closes what is in flight at its deadlines, writes a partial report, exits 130 and leaves no process', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const long = { ...small, load: { rate: 100, durationSec: 30, warmupSec: 0.2 } };
    // Its own process group, as a shell job: the signal reaches the bidder host child too.
    const child = start('src/sim/cli/sim.ts', [writeScenario(dir, 'long', long), '--out', out], { detached: true });
    const done = finish(child);
    try {
      await waitForOutput(child, /auctions/);
      const host = children(child.pid!);
      expect(host.length).toBe(1);
      // The slow leaf (150 ms against an 80 ms deadline) always has requests in flight: they must
      // time out at their deadlines, not be lost to a host killed by the same Ctrl-C.
      process.kill(-child.pid!, 'SIGINT');
      const r = await done;
      expect(r.status).toBe(130);
      const s = readSummary(out);
      expect(s.partial).toBe(true);
      expect(s.auctions.total).toBeGreaterThan(0);
      expect(s.bids.sent).toBe((s.auctions.total - s.auctions.skipped) * 3);
      expect(s.bids.lost).toBe(0);
      expect(s.bidders['slow-1']!.timedOut).toBe(s.auctions.total - s.auctions.skipped);
      expect(alive(host[0]!)).toBe(false);
      expect(groupAlive(child.pid!)).toBe(false);
    } finally {
      if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
      await done;
    }
  });
});

describe('npm run bidders', () => {
  it("serves a scenario's leaves for an exchange started with --bidders, and stops on SIGTERM", async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'small', small);
    const host = start('src/sim/cli/bidders.ts', ['--scenario', file, '--port', '0']);
    const hostDone = finish(host);
    const [, url] = await waitForOutput(host, /at (ws:\/\/127\.0\.0\.1:\d+)\//);
    const out = join(dir, 'out');
    const sim = start('src/sim/cli/sim.ts', [file, '--bidders', url!, '--out', out]);
    const simPid = sim.pid!;
    const r = await finish(sim);
    expect(r.status).toBe(0);
    expect(children(simPid)).toEqual([]);
    const s = readSummary(out);
    fastLeafAnsweredAll(s);
    host.kill('SIGTERM');
    const h = await hostDone;
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/SIGTERM: served \d+ requests/);
  });
});

describe('the flags that point a run at a bidder host', () => {
  it('prints, with --token, an exchange command that works against the host (and without the token it cannot)', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'small', small);
    const host = start('src/sim/cli/bidders.ts', ['--scenario', file, '--port', '0', '--token', 's3cret-T']);
    const hostDone = finish(host);
    try {
      const [, args] = await waitForOutput(host, /run the exchange against them: npm run sim -- (.+)\n/);
      const printed = args!.split(' ');
      expect(printed).toEqual([
        file,
        '--bidders',
        expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
        '--token',
        's3cret-T',
      ]);
      const out = join(dir, 'out');
      const r = await run('src/sim/cli/sim.ts', [...printed, '--out', out]);
      expect(r.status).toBe(0);
      const s = readSummary(out);
      expect(s.bids.lost).toBe(0);
      fastLeafAnsweredAll(s);
      // The host asks for the token: the same command without it cannot connect.
      const without = await run('src/sim/cli/sim.ts', [...printed.slice(0, 3), '--out', join(dir, 'without')]);
      expect(without.status).toBe(3);
      expect(existsSync(join(dir, 'without'))).toBe(false);
    } finally {
      host.kill('SIGTERM');
      await hostDone;
    }
  });

  it('refuses a --bidders that is no ws:// address before making anything (exit 2)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await run('src/sim/cli/sim.ts', [
      writeScenario(dir, 'small', small),
      '--bidders',
      'notaurl',
      '--out',
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--bidders: must be the ws:// or wss:// address of a bidder host');
    expect(r.stdout).not.toContain('running');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a --bidders that would change nothing: a virtual run, or no group served from it (exit 2)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const url = 'ws://127.0.0.1:1';
    const virtual = await run('src/sim/cli/sim.ts', [
      writeScenario(dir, 'v', { ...small, mode: 'virtual' }),
      '--bidders',
      url,
      '--out',
      out,
    ]);
    expect(virtual.status).toBe(2);
    expect(virtual.stderr).toContain('--bidders: a virtual run simulates its bidders and calls no host');
    const hosted = { ...small, mode: 'live', bidders: small.bidders.map((g) => ({ ...g, hosts: [url] })) };
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'h', hosted), '--bidders', url, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--bidders: no group is served from it: every group has a url or names its own hosts/);
    expect(existsSync(out)).toBe(false);
  });

  it('takes number flags in plain decimal only: --port 0x50 would bind port 80', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'small', small);
    const port = await run('src/sim/cli/bidders.ts', ['--scenario', file, '--port', '0x50']);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port: must be an integer from 0 to 65535, written in plain decimal (got "0x50")');
    expect(port.stdout).not.toContain('serving');
    const out = join(dir, 'out');
    for (const [flag, value] of [
      ['--rate', '1e3'],
      ['--seed', '0x10'],
      ['--tmax', 'Infinity'],
      ['--duration', ' 2'],
    ]) {
      const r = await run('src/sim/cli/sim.ts', [file, flag!, value!, '--out', out]);
      expect(r.status, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toContain(`${flag}: must be a number`);
    }
    expect(existsSync(out)).toBe(false);
  });
});
