// bench/run.ts's exit status, decided from the table's rows without running the bench, and its --out.

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchExitStatus } from '../bench/run.js';
import type { Row } from '../bench/cases.js';
import { EXIT } from '../src/sim/cli/exit-codes.js';
import { removeTempDirs, run, tempDir } from './helpers/cli.js';

afterAll(removeTempDirs);

const row = (pass: boolean | null, figures: Row['figures'] = {}): Row => ({
  case: 'a case',
  figures,
  ratio: pass === null ? null : 1,
  target: pass === null ? 'reported' : '>= 1',
  pass,
});

describe('benchExitStatus', () => {
  const met = [row(true), row(null)];
  const missed = [row(true), row(false), row(null)];
  const broken = [row(true), row(null, { error: 'no max rate from the throughput case' })];

  it('is 0 without --check, whatever the targets', () => {
    for (const rows of [met, missed, broken, []]) expect(benchExitStatus(rows, false)).toBe(EXIT.ok);
  });

  it('is 0 under --check when every target is met; a reported row has no target to miss', () => {
    expect(benchExitStatus(met, true)).toBe(EXIT.ok);
    expect(benchExitStatus([row(null)], true)).toBe(EXIT.ok);
  });

  it('is 1 under --check when a target is missed, or a case failed before it could be measured', () => {
    expect(benchExitStatus(missed, true)).toBe(EXIT.checkFailed);
    expect(benchExitStatus(broken, true)).toBe(EXIT.checkFailed);
  });
});

describe('npm run bench -- --out', () => {
  it('refuses a folder that holds other files before any case runs (exit 2), as every --out does', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const started = Date.now();
    const r = await run('bench/run.ts', ['--out', dir], 30_000);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^--out: .* is not empty/);
    // Refused at once, not after minutes of cases; the user's file is left alone.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});
