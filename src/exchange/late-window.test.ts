import { describe, expect, it } from 'vitest';
import { InFlightAuction } from './in-flight.js';
import { LateWindow } from './late-window.js';

function closedAt(id: string, closeMs: number): InFlightAuction {
  const a = new InFlightAuction({ id, imp: [], tmax: 0, at: 1, cur: ['USD'] }, 0, 0, 100, 0, 1);
  a.closed = true;
  a.closeMs = closeMs;
  return a;
}

describe('LateWindow', () => {
  it('forgets auctions in close order once their window has passed, and no sooner', () => {
    const w = new LateWindow(1000);
    for (let i = 0; i < 200; i++) w.keep(closedAt(`a${i}`, i * 10));
    const forgotten: string[] = [];
    w.expire(1000 + 49, (a) => forgotten.push(a.request.id));
    expect(forgotten).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    w.expire(1000 + 1990, (a) => forgotten.push(a.request.id));
    expect(forgotten).toHaveLength(200);
    expect(forgotten.at(-1)).toBe('a199');
    // Compacted and still working after it.
    w.keep(closedAt('late', 5000));
    w.expire(5999, (a) => forgotten.push(a.request.id));
    expect(forgotten).toHaveLength(200);
    w.expire(6000, (a) => forgotten.push(a.request.id));
    expect(forgotten.at(-1)).toBe('late');
  });
});
