// The example bidders in examples/ run as their docs say (docs/protocol.md): each is started as its
// own process, a live scenario calls it beside a local group, and what it counted matches what the
// exchange measured.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runLive } from '../src/sim/run/live-runner.js';
import { valid } from './helpers/scenarios.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Start an example; resolves with its port once it prints it, and a stop() that resolves with its last line. */
async function start(file: string, token: string): Promise<{ port: number; stop: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, '--token', token], { cwd: root });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${out}`)), 15_000);
    child.stdout.on('data', () => {
      const m = /listening on (\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const stop = () =>
    new Promise<string>((resolve) => {
      child.once('exit', () => resolve(out.trim().split('\n').pop() ?? ''));
      child.kill('SIGTERM');
    });
  return { port, stop };
}

function counted(line: string): { wins: number; losses: number } {
  const m = /wins (\d+) losses (\d+)/.exec(line);
  if (m === null) throw new Error(`no counts in "${line}"`);
  return { wins: Number(m[1]), losses: Number(m[2]) };
}

const load = { arrival: 'constant', rate: 50, durationSec: 1.5, warmupSec: 0 };
// Far past what the examples need (a few ms), so a loaded machine's stalls do not time them out.
const auction = { tmaxMs: 1000 };

/** Run a live scenario with the example at `url` beside a local group; the example's own counts after. */
async function runAgainst(file: string, scheme: 'http' | 'ws', extra: Record<string, unknown> = {}) {
  const ex = await start(file, 'tok');
  const s = valid({
    name: `example-${scheme}`,
    mode: 'live',
    load,
    auction,
    bidders: [
      { name: 'mine', url: `${scheme}://127.0.0.1:${ex.port}/bid`, token: 'tok', ...extra },
      { name: 'local', latency: { model: 'constant', ms: 2 } },
    ],
  });
  const { summary, invariantViolations } = await runLive(s);
  const counts = counted(await ex.stop());
  expect(invariantViolations).toEqual([]);
  const mine = summary.bidders['mine']!;
  expect(mine.sent).toBeGreaterThan(50);
  expect(mine.onTime).toBeGreaterThan(0.8 * mine.sent);
  // It bids on every request: nothing but bids, on time or late.
  expect(mine.noBid + mine.invalid + mine.lost).toBe(0);
  expect(mine.bids).toBe(mine.onTime);
  // Told of every bid: each on time (won or lost), and each late one (expired).
  expect(counts.wins).toBe(mine.wins);
  expect(counts.wins + counts.losses).toBe(mine.bids + mine.late);
  return mine;
}

describe('the example bidders', () => {
  it('examples/http-bidder.ts takes part over HTTP with gzip and a token, and is told of every bid', async () => {
    const mine = await runAgainst('examples/http-bidder.ts', 'http', { gzip: true });
    expect(mine.notices).toEqual({ sent: mine.bids + mine.late, failed: 0, offOrigin: 0 });
  }, 30_000);

  it('examples/ws-bidder.ts takes part over WebSocket with a token, and is told of every bid', async () => {
    const mine = await runAgainst('examples/ws-bidder.ts', 'ws');
    expect(mine.notices).toBeUndefined();
  }, 30_000);
});
