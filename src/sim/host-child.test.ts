import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { LeafConfig } from '../bidders/config.js';
import { startChildHost } from './host-child.js';

describe('startChildHost', () => {
  it('runs the bidder host below the exchange: nice 10, or the parent\'s if that is lower already', async () => {
    const leaf: LeafConfig = {
      name: 'dsp-1',
      group: 'dsp',
      latency: { model: 'constant', ms: 1 },
      bid: { rate: 1, price: { model: 'constant', value: 1 }, shade: 1 },
      faults: { timeout: 0, malformed: 0, disconnect: 0 },
    };
    const host = await startChildHost([leaf], 1);
    try {
      expect(getPriority(host.pid)).toBe(Math.max(10, getPriority()));
    } finally {
      await host.stop();
    }
  }, 20_000);
});
