// The request of one auction serialised once per distinct tmax it tells its leaves: leaves of a group
// (or of groups told alike) share one buffer, as every leaf shares one on the one-deadline path. The
// buffers are kept until the next auction's reset, so a link may hand them to its socket uncopied.

import type { BidRequest } from '../protocol/openrtb.js';

/** What links that do not want text are given in its place. */
export const NO_TEXT = Buffer.alloc(0);

export class ToldTexts {
  private readonly values: number[] = [];
  private readonly texts: Buffer[] = [];
  /** Whether any link sends the serialised request (virtual links read the object instead). */
  textWanted = true;

  /** Forget the last auction's texts (not their buffers, which sockets may still hold). */
  reset(): void {
    this.values.length = 0;
    this.texts.length = 0;
  }

  /** The request as it stands (its `tmax` set for the leaf about to be sent it), serialised once. */
  textFor(request: BidRequest): Buffer {
    if (!this.textWanted) return NO_TEXT;
    const values = this.values;
    const tmax = request.tmax;
    for (let i = 0; i < values.length; i++) if (values[i] === tmax) return this.texts[i]!;
    const text = Buffer.from(JSON.stringify(request));
    values.push(tmax);
    this.texts.push(text);
    return text;
  }
}
