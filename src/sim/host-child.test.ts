import { existsSync, readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { LeafConfig } from '../bidders/config.js';
import { startChildHost } from './host-child.js';

describe('startChildHost', () => {
  it("runs every thread of the bidder host below the exchange: nice 10, or the parent's if that is lower already", async () => {
    const leaf: LeafConfig = {
      name: 'dsp-1',
      group: 'dsp',
      latency: { model: 'constant', ms: 1 },
      bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 },
      faults: { timeout: 0, malformed: 0, disconnect: 0 },
    };
    const host = await startChildHost([leaf], 1);
    try {
      const want = Math.max(10, getPriority());
      expect(getPriority(host.pid)).toBe(want);
      // On Linux a priority is per thread: V8's helper threads, started before any of the host's
      // code ran, must have been lowered too.
      const tasks = `/proc/${host.pid}/task`;
      if (existsSync(tasks)) {
        const threads = readdirSync(tasks).map(Number);
        expect(threads.length).toBeGreaterThan(1);
        expect(threads.map((tid) => getPriority(tid))).toEqual(threads.map(() => want));
      }
    } finally {
      await host.stop();
    }
  }, 20_000);
});
