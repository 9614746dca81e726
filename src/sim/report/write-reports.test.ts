import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticRun } from '../../../test/helpers/synthetic-run.js';
import { isOutputFile } from '../cli/report-root.js';
import { REPORT_FILES, writeReports } from './write-reports.js';

const dir = mkdtempSync(join(tmpdir(), 'write-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('REPORT_FILES, the list --force removes', () => {
  it('names every file writeReports writes, and each fixed name is written', () => {
    const out = join(dir, 'run');
    const written = writeReports(out, syntheticRun({ faulty: true })).map((p) => basename(p));
    expect(written.length).toBeGreaterThan(REPORT_FILES.names.length);
    expect(written.filter((name) => !isOutputFile(REPORT_FILES, name))).toEqual([]);
    for (const name of REPORT_FILES.names) expect(written).toContain(name);
    expect(readdirSync(out).sort()).toEqual([...written].sort());
  });

  it('holds the histogram names a group of any name is given, and nothing a person would keep there', () => {
    for (const name of ['group-dsp-fast.hgrm', 'group-a.b-2.hgrm', 'host-delays-_.hgrm']) {
      expect(isOutputFile(REPORT_FILES, name)).toBe(true);
    }
    for (const name of ['notes.txt', 'group-.hgrm', 'compare.md', 'summary.json.bak', 'group-x.hgrm/']) {
      expect(isOutputFile(REPORT_FILES, name)).toBe(false);
    }
  });
});
