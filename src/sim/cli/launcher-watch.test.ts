import { describe, expect, it } from 'vitest';
import { brokenLink, launcherChain, readProcStat, type ProcInfo } from './launcher-watch.js';

/** A process table: pid → [ppid, pgid]. */
const table =
  (rows: Record<number, [number, number]>) =>
  (pid: number): ProcInfo | null => {
    const row = rows[pid];
    return row === undefined ? null : { ppid: row[0], pgid: row[1] };
  };

// A terminal's job: bash (100, its own group) → npm (200, leads 200) → sh (201) → tsx (202) → sim (203).
const job = {
  100: [1, 100],
  200: [100, 200],
  201: [200, 200],
  202: [201, 200],
  203: [202, 200],
} satisfies Record<number, [number, number]>;

describe('launcherChain', () => {
  it("climbs the run's process group to its leader, never to the shell above it", () => {
    expect(launcherChain(203, table(job))).toEqual([203, 202, 201, 200]);
  });

  it('watches the parent alone when the run leads its own group (started detached)', () => {
    expect(launcherChain(300, table({ 50: [1, 50], 300: [50, 300] }))).toEqual([300, 50]);
  });

  it('has nothing to watch when init is the parent already, or the table cannot be read', () => {
    expect(launcherChain(300, table({ 300: [1, 300] }))).toEqual([300]);
    expect(launcherChain(300, () => null)).toEqual([300]);
  });

  it('stops at npm when npm started the run, even in the group of a script that started npm', () => {
    // `bash -c 'npm run bidders -- ... & sleep 6'`: no job control, so bash (100) leads the group of
    // all of them. The processes npm (200) started share its script; npm has none, or, itself started
    // from an npm script (npx vitest), that script's.
    for (const above of [null, 'vitest run']) {
      const rows: Record<number, [number, number, string | null]> = {
        100: [1, 100, above],
        200: [100, 100, above],
        201: [200, 100, 'tsx src/sim/cli/bidders.ts'],
        202: [201, 100, 'tsx src/sim/cli/bidders.ts'],
        203: [202, 100, 'tsx src/sim/cli/bidders.ts'],
      };
      const read = (pid: number): ProcInfo | null => {
        const row = rows[pid];
        return row === undefined ? null : { ppid: row[0], pgid: row[1], npmScript: row[2] };
      };
      expect(launcherChain(203, read)).toEqual([203, 202, 201, 200]);
    }
    // Unknown (no environment read): the group's leader is the top, as before.
    const unknown = table({ 100: [1, 100], 200: [100, 100], 201: [200, 100], 202: [201, 100], 203: [202, 100] });
    expect(launcherChain(203, unknown)).toEqual([203, 202, 201, 200, 100]);
  });

  it('ends on a cycle rather than looping (pids reused while reading)', () => {
    expect(launcherChain(3, table({ 3: [4, 9], 4: [3, 9] }))).toEqual([3, 4]);
  });
});

describe('brokenLink', () => {
  const chain = [203, 202, 201, 200];
  const ppids = (rows: Record<number, [number, number]>) => (pid: number) => table(rows)(pid)?.ppid ?? null;

  it('holds while every process has the parent recorded', () => {
    expect(brokenLink(chain, ppids(job))).toBeNull();
  });

  it('names the process whose launcher died: npm killed alone hands sh to init', () => {
    const { 200: _npm, ...rest } = job;
    expect(brokenLink(chain, ppids({ ...rest, 201: [1, 200] }))).toBe(201);
  });

  it('breaks when the watched parent itself is gone, and when a process in the chain is', () => {
    expect(brokenLink([300, 50], ppids({ 300: [1, 300] }))).toBe(300);
    const { 201: _sh, ...rest } = job;
    expect(brokenLink(chain, ppids(rest))).toBe(201);
  });

  it('does not look above the chain: the shell that started npm may go (nohup npm run sim &)', () => {
    const { 100: _bash, ...rest } = job;
    expect(brokenLink(chain, ppids({ ...rest, 200: [1, 200] }))).toBeNull();
  });
});

describe('readProcStat', () => {
  it("reads this process's parent and group from /proc, and null for a pid that does not exist", () => {
    const me = readProcStat(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.pgid).toBeGreaterThan(0);
    expect(readProcStat(2 ** 30)).toBeNull();
  });
});
