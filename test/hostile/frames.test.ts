// Hostile frames: one larger than the exchange's limit, and a flood of thousands per second. The
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

  it('a flood of thousands of frames a second: each counted stray, nothing stalls, the heap stays bounded', async () => {
    const rate = 20_000;
    let growth = 0;
    run = await hostileRun(
      { mode: 'flood', rate },
      {
        auctions: 40,
        spacingMs: 25,
        during: async (r) => {
          const start = heapAfterGc();
          // Two seconds at 20k frames/s: ~40k frames through the exchange while auctions run.
          await new Promise((done) => setTimeout(done, 2000));
          await waitFor(() => r.leaf(BAD).stray > 10_000, 'the flood to be read');
          growth = heapAfterGc() - start;
        },
      },
    );
    const bad = run.leaf(BAD);
    const sent = run.host.hostileLeaf(BAD)!.framesSent;
    expect(sent).toBeGreaterThan(10_000);
    expect(bad.stray).toBeGreaterThan(10_000);
    expect(bad.stray).toBeLessThanOrEqual(sent);
    expect(Object.keys(reasons(bad)).sort()).toEqual(['not-json', 'unknown-request']);
    expect((bad.invalidReasons.get('not-json') ?? 0) + (bad.invalidReasons.get('unknown-request') ?? 0)).toBe(
      bad.stray,
    );
    expect(bad.timedOut).toBe(40);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
    expectAccounted(bad);
    expectOthersOnTime(run);
  });
});
