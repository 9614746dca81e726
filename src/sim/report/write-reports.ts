// Writes a run's report folder. Every file is derived from the same RunResult, so the numbers in
// each agree with summary.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../run-result.js';

/** Write every report file into `dir` (created if needed); returns the paths written. */
export function writeReports(dir: string, run: RunResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [['summary.json', `${JSON.stringify(run.summary, null, 2)}\n`]];
  const written: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}
