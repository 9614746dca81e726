import { describe, expect, it } from 'vitest';
import { backoffMs } from './ws-pool.js';

describe('backoffMs', () => {
  const opts = { initialBackoffMs: 50, maxBackoffMs: 5000 };

  it('doubles per attempt, with jitter between half and all of the ceiling', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(5000, 50 * 2 ** attempt);
      expect(backoffMs(attempt, opts, () => 0)).toBe(ceiling / 2);
      expect(backoffMs(attempt, opts, () => 0.999999)).toBeCloseTo(ceiling, 2);
    }
  });

  it('never exceeds the cap however many attempts failed', () => {
    expect(backoffMs(1000, opts, () => 0.999999)).toBeLessThanOrEqual(5000);
  });
});
