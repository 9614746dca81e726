// A long virtual run stops on SIGINT or SIGTERM like a live one (issue 15 item 3): the engine gives
// the event loop a turn at least every 100 ms of wall time, so the signal handler runs, arrivals stop,
// the auctions in flight close at their virtual deadlines, and a partial report is written. Before, a
// virtual run held the event loop to its end: `--duration 100000` ignored both signals for minutes.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'virtual-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long after the signal the process may take to exit: the run needs well under a second. */
const EXIT_WITHIN_MS = 10_000;

interface Stopped {
  code: number | null;
  /** Wall time from the signal to the exit. */
  afterSignalMs: number;
  stderr: string;
}

/** Starts a 100,000 s virtual run, sends `signal` a second after it starts, and waits for the exit. */
function runAndSignal(signal: NodeJS.Signals, out: string): Promise<Stopped> {
  const args = ['--import', 'tsx', 'src/sim/cli/sim.ts', 'scenarios/baseline.json', '--mode', 'virtual'];
  const child = spawn(process.execPath, [...args, '--duration', '100000', '--out', out], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sentAt = 0;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // "running ..." is printed just before the run starts: a second into it, the signal.
    if (sentAt === 0 && stdout.includes('running ')) {
      sentAt = -1;
      setTimeout(() => {
        sentAt = performance.now();
        child.kill(signal);
      }, 1000);
    }
  });
  // A run that ignores the signal would go on for minutes: this bounds the test, and fails it.
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, afterSignalMs: sentAt > 0 ? performance.now() - sentAt : Infinity, stderr });
    });
  });
}

describe('a long virtual run and a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s a second in: a partial report, exit %i, within seconds',
    async (signal, status) => {
      const out = join(dir, signal);
      const r = await runAndSignal(signal, out);
      expect(r.code, r.stderr).toBe(status);
      expect(r.afterSignalMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(existsSync(join(out, 'report.html'))).toBe(true);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        partial: boolean;
        durationSec: number;
        auctions: { total: number };
      };
      expect(summary.partial).toBe(true);
      expect(summary.auctions.total).toBeGreaterThan(0);
      expect(summary.durationSec).toBeLessThan(100_000);
    },
    90_000,
  );
});
