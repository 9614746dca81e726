// Where a command's reports go, made before anything runs.

import { ensureDir } from '../../lib/ensure-dir.js';
import { fail } from './common.js';
import { EXIT } from './exit-codes.js';

/** Makes `--out` (else reports/) or exits 2 naming the flag: a folder that cannot be made is bad input. */
export function ensureReportRoot(out: string | undefined): void {
  try {
    ensureDir(out ?? 'reports');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    fail(EXIT.badInput, `${out === undefined ? 'reports' : '--out'}: ${why}`);
  }
}
