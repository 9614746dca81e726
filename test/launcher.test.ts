// `npm run sim` through its real launcher: npm, `sh -c`, the tsx launcher, the run, and the bidder
// host the run forks, as a terminal starts them (one process group, a shell job). Ctrl-C is SIGINT to
// that group; closing the job's npm alone is SIGTERM or SIGKILL to npm. Either way the run stops
// with a partial report and leaves no process behind. Each run is live and stopped within seconds.
// `npm run bidders`, `capacity` and `sweep` watch their launcher alike: npm killed alone, they stop
// and leave no process (a sweep's workers and a search's bidder hosts included).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Summary } from '../src/sim/metrics/summary.js';
import { removeTempDirs, tempDir, waitForOutput, writeScenario } from './helpers/cli.js';
import { groupRunning, running, until, watchDescendants } from './helpers/process-tree.js';

afterAll(removeTempDirs);

const ROOT = new URL('..', import.meta.url).pathname;

/** 30 s planned at 100 auctions/s: a run that is stopped early shows it in its count. */
const long = {
  name: 'launcher',
  load: { rate: 100, durationSec: 30, warmupSec: 0.2 },
  auction: { tmaxMs: 80 },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'uniform', minMs: 2, maxMs: 10 } },
    { name: 'slow', count: 1, latency: { model: 'constant', ms: 150 } },
  ],
};
const PLANNED = 100 * 30;

interface Job {
  npm: ChildProcess;
  out: string;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  tree: ReturnType<typeof watchDescendants>;
}

/** `npm run sim -- FILE --out DIR` leading a process group of its own, as a shell job; resolves once it reports progress. */
async function startJob(file: string, out: string): Promise<Job> {
  const npm = spawn('npm', ['run', 'sim', '--', file, '--out', out], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    npm.once('exit', (status, signal) => resolve({ status, signal, stderr })),
  );
  const tree = watchDescendants(npm.pid!);
  // The run is under way: its bidder host is up and auctions are in flight.
  await waitForOutput(npm, /\d+ auctions/, 45_000);
  return { npm, out, exited, tree };
}

/** Kills whatever a failed try left, so no test leaves processes behind. */
function reap(job: Job): void {
  job.tree.stop();
  if (groupRunning(job.npm.pid!)) process.kill(-job.npm.pid!, 'SIGKILL');
  for (const pid of job.tree.seen) if (running(pid)) process.kill(pid, 'SIGKILL');
}

function readSummary(dir: string): Summary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
}

function expectPartial(s: Summary): void {
  expect(s.partial).toBe(true);
  expect(s.auctions.total).toBeGreaterThan(0);
  expect(s.auctions.total).toBeLessThan(PLANNED);
  expect(s.bids.sent).toBe(s.bids.onTime + s.bids.noBid + s.bids.invalid + s.bids.timedOut + s.bids.lost);
}

describe('npm run sim, started as a terminal starts it', () => {
  it('Ctrl-C (SIGINT to the process group) writes a partial report and exits 130, ten times in ten', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'launcher', long);
    const outcomes: string[] = [];
    // Two at a time: ten sequential tries would take a minute on this machine.
    for (let round = 0; round < 5; round++) {
      const jobs = await Promise.all([0, 1].map((k) => startJob(file, join(dir, `out-${round}-${k}`))));
      try {
        for (const job of jobs) process.kill(-job.npm.pid!, 'SIGINT');
        for (const job of jobs) {
          const r = await job.exited;
          const written = existsSync(join(job.out, 'summary.json'));
          // npm ends itself with the signal its script took; a shell shows either as 130.
          const status = r.status ?? (r.signal === 'SIGINT' ? 130 : r.signal);
          outcomes.push(`exit ${status}, ${written ? 'report' : 'no report'}`);
          if (!written) continue;
          expectPartial(readSummary(job.out));
          // The slow leaf's requests in flight timed out at their deadlines: nothing was lost to the signal.
          expect(readSummary(job.out).bids.lost).toBe(0);
          await until(() => [...job.tree.seen].every((pid) => !running(pid)), 10_000, 'every process gone');
          expect(groupRunning(job.npm.pid!)).toBe(false);
        }
      } finally {
        for (const job of jobs) reap(job);
      }
    }
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => 'exit 130, report'));
  }, 240_000);

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'stops with a partial report when only npm is killed (%s), and leaves no process',
    async (signal) => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const job = await startJob(writeScenario(dir, 'launcher', long), out);
      try {
        const started = Date.now();
        process.kill(job.npm.pid!, signal);
        await job.exited;
        // The run (and its host) notice the launcher is gone and stop well before the 30 s planned.
        await until(() => [...job.tree.seen].every((pid) => !running(pid)), 20_000, 'every process gone');
        expect(Date.now() - started).toBeLessThan(25_000);
        expectPartial(readSummary(out));
        expect(job.tree.seen.size).toBeGreaterThanOrEqual(3);
        expect(groupRunning(job.npm.pid!)).toBe(false);
      } finally {
        reap(job);
      }
    },
    90_000,
  );
});

describe('npm run bidders and npm run sweep, when only npm is killed', () => {
  /** `npm run <script> -- ...args` leading a process group; resolves once its stdout matches `ready`. */
  async function startScript(script: string, args: string[], ready: RegExp) {
    const npm = spawn('npm', ['run', script, '--', ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    const tree = watchDescendants(npm.pid!);
    await waitForOutput(npm, ready, 45_000);
    return { npm, exited, tree };
  }

  it.each([
    ['bidders', (file: string) => ['--scenario', file, '--port', '0'], /serving 3 leaves/],
    ['capacity', (file: string) => [file, '--out', `${file}.capacity`], /capacity of launcher: live probes/],
    // A virtual sweep of cells that would run for minutes.
    ['sweep', (file: string) => [file, '--workers', '2'], /sweeping launcher: 2 cells/],
  ] as const)(
    'npm run %s stops, and leaves no process',
    async (script, args, ready) => {
      const dir = tempDir();
      const sweep = {
        ...long,
        mode: 'virtual',
        load: { rate: 2000, durationSec: 10_000 },
        sweep: { 'auction.tmaxMs': [60, 80] },
      };
      const file = writeScenario(dir, 'launcher', script === 'sweep' ? sweep : long);
      const job = await startScript(script, args(file), ready);
      // Below npm: its shell, the tsx launcher and the command itself, and a sweep's two workers.
      const processes = script === 'sweep' ? 5 : 3;
      try {
        await until(() => job.tree.seen.size >= processes, 20_000, 'every process up');
        process.kill(job.npm.pid!, 'SIGKILL');
        await job.exited;
        await until(() => [...job.tree.seen].every((pid) => !running(pid)), 20_000, 'every process gone');
        expect(groupRunning(job.npm.pid!)).toBe(false);
      } finally {
        job.tree.stop();
        if (groupRunning(job.npm.pid!)) process.kill(-job.npm.pid!, 'SIGKILL');
        for (const pid of job.tree.seen) if (running(pid)) process.kill(pid, 'SIGKILL');
      }
    },
    90_000,
  );
});

describe('npm run bidders, started in the background by a script that ends', () => {
  it('goes on serving: npm, its launcher, is still there', async () => {
    const dir = tempDir();
    const file = writeScenario(dir, 'launcher', long);
    const log = join(dir, 'bidders.log');
    // No job control in `bash -c`: the background npm shares bash's group, and bash exits first.
    const script = spawn('bash', ['-c', `npm run bidders -- --scenario ${file} --port 0 > ${log} 2>&1 & sleep 4`], {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
    });
    const pgid = script.pid!;
    try {
      await new Promise<void>((resolve) => script.once('exit', () => resolve()));
      await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('serving 3 leaves'), 30_000, 'serving');
      // Well past a few looks at the chain (four a second): still serving.
      await new Promise((r) => setTimeout(r, 2000));
      expect(readFileSync(log, 'utf8')).not.toMatch(/SIGTERM/);
      expect(groupRunning(pgid)).toBe(true);
    } finally {
      if (groupRunning(pgid)) process.kill(-pgid, 'SIGTERM');
      await until(() => !groupRunning(pgid), 20_000, 'the host gone');
    }
  }, 60_000);
});
