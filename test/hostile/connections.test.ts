// Hostile connections: a leaf that stops reading, one that drops mid-auction, one that drops every
// connection as soon as it is made. One test each; the well-behaved leaves close on time throughout.

import { afterEach, describe, expect, it } from 'vitest';
import { BAD, expectAccounted, expectOthersOnTime, hostileRun, reasons, type HostileRun } from './harness.js';

let run: HostileRun | null = null;
afterEach(async () => {
  await run?.close();
  run = null;
});

const BAD_LEAF = 2;

describe('hostile connections', () => {
  it('a leaf that never reads: cut off once its send buffer passes the bound, requests in flight lost (slow-reader)', async () => {
    const bound = 256 * 1024;
    // Big requests fill the loopback socket's kernel buffers within a few hundred auctions.
    run = await hostileRun(
      { mode: 'no-read' },
      { auctions: 300, spacingMs: 2, padBytes: 32 * 1024, pool: { maxBufferedBytes: bound } },
    );
    const bad = run.leaf(BAD);
    expect(bad.sent).toBe(300);
    expect(bad.invalidReasons.get('slow-reader')).toBeGreaterThanOrEqual(1);
    expect(bad.invalidReasons.get('slow-reader')).toBe(bad.drops);
    expect(Object.keys(reasons(bad))).toEqual(['slow-reader']);
    expect(bad.lost).toBeGreaterThanOrEqual(1);
    expect(bad.onTime + bad.noBid + bad.invalid).toBe(0);
    expectAccounted(bad);
    expectOthersOnTime(run);
    // Whatever the link now holds for the leaf is within the bound plus one request.
    const ws = (run.pool.links[BAD_LEAF] as unknown as { ws: { bufferedAmount: number } | null }).ws;
    expect(ws?.bufferedAmount ?? 0).toBeLessThanOrEqual(bound + 64 * 1024);
  });

  it('a leaf that disconnects mid-auction: its request is lost at once, the auction does not wait, the link is redialled', async () => {
    run = await hostileRun({ mode: 'disconnect' }, { auctions: 20, spacingMs: 20 });
    const bad = run.leaf(BAD);
    expect(bad.sent).toBe(20);
    expect(bad.lost).toBe(20);
    expect(bad.drops).toBeGreaterThanOrEqual(1);
    expect(bad.timedOut).toBe(0);
    expect(reasons(bad)).toEqual({});
    expect(run.pool.dials(BAD_LEAF)).toBeGreaterThanOrEqual(2);
    expectAccounted(bad);
    expectOthersOnTime(run);
    // Nothing waited for the deadline: every auction closed when the good leaves had answered.
    for (const a of run.auctions) expect(a.byDeadline).toBe(false);
  });

  it('a leaf that drops every connection at once (reconnect storm): redialled with backoff, not in a tight loop', async () => {
    const windowMs = 2000;
    let dialsInWindow = 0;
    run = await hostileRun(
      { mode: 'reconnect-storm' },
      {
        auctions: 20,
        spacingMs: 20,
        waitForBad: false,
        pool: { initialBackoffMs: 50, maxBackoffMs: 5000 },
        during: async (r) => {
          const before = r.pool.dials(BAD_LEAF);
          await new Promise((done) => setTimeout(done, windowMs));
          dialsInWindow = r.pool.dials(BAD_LEAF) - before;
        },
      },
    );
    const bad = run.leaf(BAD);
    // 50 ms doubling: at most ~6 redials fit in 2 s even with jitter at its shortest (a tight loop
    // would make ~80 at the 25 ms floor, and thousands with no delay).
    expect(dialsInWindow).toBeLessThanOrEqual(8);
    expect(run.host.hostileLeaf(BAD)!.connections).toBeGreaterThanOrEqual(2);
    expect(bad.lost).toBe(bad.sent);
    expectAccounted(bad);
    expectOthersOnTime(run);
  });
});
