// The bidder host killed with SIGKILL in the middle of a run (a hostile leaf kills its own host
// process): every auction in flight closes by its deadline with the host's leaves counted lost, the
// run ends with a clear message, exit 3 and a partial report, and no process is left behind.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bidder host killed with SIGKILL during a run', () => {
  it('closes what is in flight, counts the leaves lost, writes a partial report, exits 3, leaves no process', async () => {
    const file = join(dir, 'sigkill.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'sigkill',
        load: { arrival: 'constant', rate: 100, durationSec: 20, warmupSec: 0 },
        auction: { tmaxMs: 100 },
        bidders: [
          { name: 'good', count: 2, latency: { model: 'constant', ms: 5 } },
          { name: 'killer', hostile: { mode: 'sigkill', after: 50 } },
        ],
      }),
    );
    const out = join(dir, 'out');
    const started = Date.now();
    const r = await runCli('src/sim/cli/sim.ts', [file, '--out', out]);
    // It stopped at the kill, not after the 20 s it was planned for.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bidder host killed by SIGKILL during the run');
    expect(r.stderr).not.toMatch(/refusing|invariant|unhandled/i);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      partial: boolean;
      auctions: { total: number };
      bids: { sent: number; onTime: number; noBid: number; invalid: number; timedOut: number; lost: number };
      bidders: Record<string, { sent: number; lost: number }>;
      latency: { overshoot: { max: number } };
    };
    expect(summary.partial).toBe(true);
    expect(summary.auctions.total).toBeGreaterThanOrEqual(50);
    expect(summary.bids.lost).toBeGreaterThan(0);
    for (const leaf of ['good-1', 'good-2', 'killer-1']) expect(summary.bidders[leaf]!.lost).toBeGreaterThan(0);
    const b = summary.bids;
    expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost).toBe(b.sent);
    // Generous on a loaded machine: by its deadline, give or take the measured overshoot.
    expect(summary.latency.overshoot.max).toBeLessThan(1000);

    // The CLI and the bidder host it forked are gone, and nothing else it started is left.
    expect(r.descendants.length).toBeGreaterThanOrEqual(1);
    await new Promise((done) => setTimeout(done, 200));
    expect(r.descendants.filter(alive)).toEqual([]);
    expect(existsSync(out)).toBe(true);
  });
});
