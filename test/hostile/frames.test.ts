// Hostile frames: one larger than the exchange's limit, and a flood of thousands per second (cut off). The
// limit comes from the configuration (auction.maxPayloadBytes → WsPool maxPayload).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS, validateScenario } from '../../src/sim/scenario/scenario.js';
import { waitFor } from '../helpers/scripted-bidders.js';
import { BAD, expectAccounted, expectOthersOnTime, hostileRun, reasons, type HostileRun } from './harness.js';

let run: HostileRun | null = null;
afterEach(async () => {
  await run?.close();
  run = null;
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('hostile frames', () => {
  it('a frame over the configured limit: refused (stray too-large), the link dropped, its requests lost', async () => {
    const r = validateScenario({ auction: { maxPayloadBytes: 8192 } });
    expect(r.ok && r.scenario.auction.maxPayloadBytes).toBe(8192);
    expect(DEFAULTS.auction.maxPayloadBytes).toBe(64 * 1024);
    const limit = r.ok ? r.scenario.auction.maxPayloadBytes : 0;
    run = await hostileRun(
      { mode: 'too-large', bytes: limit + 100 },
      { auctions: 20, spacingMs: 20, pool: { maxPayload: limit } },
    );
    const bad = run.leaf(BAD);
    expect(bad.sent).toBe(20);
    expect(bad.stray).toBeGreaterThanOrEqual(1);
    expect(reasons(bad)).toEqual({ 'too-large': bad.stray });
    // Each too-large frame cost the leaf its connection and the request it held.
    expect(bad.drops).toBe(bad.stray);
    expect(bad.lost).toBe(20);
    expectAccounted(bad);
    expectOthersOnTime(run);
  });

  it('a flood of thousands of frames a second: cut off (flood) within a bounded number of frames, redialled with backoff, nothing stalls', async () => {
    const rate = 20_000;
    let growth = 0;
    run = await hostileRun(
      { mode: 'flood', rate },
      {
        auctions: 40,
        spacingMs: 25,
        pool: { initialBackoffMs: 50, maxBackoffMs: 5000 },
        during: async (r) => {
          // A forced GC stalls this process's loop for tens of ms: not while auctions are open.
          await r.exchange.whenIdle();
          const start = heapAfterGc();
          // Two seconds at 20k frames/s: ~40k frames sent at the exchange while auctions run.
          await new Promise((done) => setTimeout(done, 2000));
          await waitFor(() => (r.leaf(BAD).invalidReasons.get('flood') ?? 0) >= 1, 'the flood to be cut off');
          growth = heapAfterGc() - start;
        },
      },
    );
    const bad = run.leaf(BAD);
    const sent = run.host.hostileLeaf(BAD)!.framesSent;
    const cuts = bad.invalidReasons.get('flood') ?? 0;
    // It sends only while connected: cut off, it waits out the backoff before it can send again.
    expect(sent).toBeGreaterThan(1000);
    expect(cuts).toBeGreaterThanOrEqual(1);
    // A leaf that sends without being asked is cut off after 33 frames (ws-pool.ts): each connection
    // it made let through at most that many, whatever it sent.
    const connections = run.pool.reconnects(2) + 1;
    expect(bad.stray).toBeLessThanOrEqual(40 * connections);
    expect(bad.stray).toBeLessThan(sent / 5);
    // Every connection but perhaps the last was cut off for flooding, and redialled with backoff
    // (capped at 200 ms here): tens of connections in the run, not a tight loop.
    expect(cuts).toBeGreaterThanOrEqual(connections - 1);
    expect(cuts).toBe(bad.drops);
    expect(connections).toBeLessThanOrEqual(60);
    expect(bad.timedOut + bad.lost).toBe(40);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
    expectAccounted(bad);
    expectOthersOnTime(run);
  });
});
