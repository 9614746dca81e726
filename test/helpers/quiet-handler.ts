// A LinkHandler that ignores everything: for tests of a pool's own behaviour (dialling, masking,
// failures), where what the links report is not what is tested.

import type { LinkHandler } from '../../src/exchange/link.js';

export function quietHandler(): LinkHandler {
  const nothing = (): void => {};
  return {
    onText: nothing,
    onValue: nothing,
    onBadFrame: nothing,
    onUp: nothing,
    onDown: nothing,
    onFailure: nothing,
    onNoBid: nothing,
  };
}
