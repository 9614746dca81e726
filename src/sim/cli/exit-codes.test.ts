import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, EXIT, EXIT_CODES, exitCodesMarkdown, exitCodesOf, simExitStatus } from './exit-codes.js';

const REGENERATE = 'npx tsx src/sim/cli/exit-codes.ts --markdown > docs/exit-codes.md';

describe('exit codes', () => {
  it('docs/exit-codes.md is the table rendered from the code', () => {
    const page = readFileSync(new URL('../../../docs/exit-codes.md', import.meta.url), 'utf8');
    expect(page, `docs/exit-codes.md is stale: regenerate it with \`${REGENERATE}\``).toBe(exitCodesMarkdown());
  });

  it('names each status once, every row used by some command', () => {
    const codes = EXIT_CODES.map((r) => EXIT[r.name]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT_CODES.map((r) => r.name).sort()).toEqual(Object.keys(EXIT).sort());
    for (const row of EXIT_CODES) expect(Object.keys(row.commands).length).toBeGreaterThan(0);
  });

  it('gives every command success and bad input, in ascending order', () => {
    for (const command of COMMANDS) {
      const codes = exitCodesOf(command).map(([code]) => code);
      expect(codes).toContain(EXIT.ok);
      expect(codes).toContain(EXIT.badInput);
      expect([...codes].sort((a, b) => a - b)).toEqual(codes);
    }
  });

  it("lists a command's statuses only where it can exit with them", () => {
    // The bidder host stops on a signal with 0, after closing (143 only when its launcher went away
    // before it listened); it has no gate to fail.
    expect(exitCodesOf('bidders').map(([code]) => code)).toEqual([0, 2, 3, 143]);
    expect(exitCodesOf('bench').find(([code]) => code === EXIT.checkFailed)?.[1]).toContain('--check');
  });
});

describe('simExitStatus', () => {
  const run = { hostDied: false, signalStatus: 0, strict: false, harness: 'ok' as const, thresholdsPass: true };
  it('exits 4 on an invalid harness under --strict only, and keeps the gate otherwise', () => {
    expect(simExitStatus({ ...run, strict: true, harness: 'invalid' })).toBe(EXIT.harnessInvalid);
    expect(simExitStatus({ ...run, strict: true, harness: 'invalid', thresholdsPass: false })).toBe(4);
    expect(simExitStatus({ ...run, strict: false, harness: 'invalid' })).toBe(EXIT.ok);
    expect(simExitStatus({ ...run, strict: false, harness: 'invalid', thresholdsPass: false })).toBe(EXIT.checkFailed);
    expect(simExitStatus({ ...run, strict: true, harness: 'degraded' })).toBe(EXIT.ok);
    expect(simExitStatus({ ...run, strict: true, harness: 'degraded', thresholdsPass: false })).toBe(1);
    expect(simExitStatus({ ...run, strict: true, harness: undefined })).toBe(EXIT.ok);
  });

  it('puts a dead host and a signal before the harness and the thresholds', () => {
    expect(simExitStatus({ ...run, hostDied: true, strict: true, harness: 'invalid' })).toBe(EXIT.runFailed);
    expect(simExitStatus({ ...run, signalStatus: 130, strict: true, harness: 'invalid' })).toBe(EXIT.sigint);
    expect(simExitStatus({ ...run, signalStatus: 143, thresholdsPass: false })).toBe(EXIT.sigterm);
  });
});
