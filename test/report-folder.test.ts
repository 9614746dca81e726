// Report folders: one that cannot be made or written is refused before anything runs (exit 2), a
// default folder is new for every run (two in the same second included), and a --out folder that
// is not empty is refused unless --force, which removes the command's own files and no others.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stamp } from '../src/sim/cli/common.js';
import type { Summary } from '../src/sim/metrics/summary.js';
import { removeTempDirs, run, tempDir, writeScenario, type Ran } from './helpers/cli.js';

afterAll(removeTempDirs);

const SIM = new URL('../src/sim/cli/sim.ts', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');

const tiny = {
  name: 'tiny',
  mode: 'virtual',
  load: { rate: 50, durationSec: 2, warmupSec: 0.5 },
  bidders: [
    { name: 'fast', count: 2, latency: { model: 'constant', ms: 5 } },
    { name: 'slow', count: 1, latency: { model: 'constant', ms: 30 } },
  ],
};

/** The sim run from `cwd`, where its default reports/ folder then goes. */
function simIn(cwd: string, args: string[]): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', TSX, SIM, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

const reportOf = (r: Ran): string => /^report: (.+)$/m.exec(r.stdout)?.[1] ?? '';
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

/** Runs `body` with `dir` made unwritable even for root (chattr +i, else a read-only bind mount); false if neither works here. */
async function unwritable(dir: string, body: () => Promise<void>): Promise<boolean> {
  const tryRun = (cmd: string, args: string[]): boolean => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  let undo: [string, string[]] | null = null;
  if (tryRun('chattr', ['+i', dir])) undo = ['chattr', ['-i', dir]];
  else if (tryRun('mount', ['--bind', dir, dir]) && tryRun('mount', ['-o', 'remount,bind,ro', dir]))
    undo = ['umount', [dir]];
  if (undo === null) return false;
  try {
    await body();
  } finally {
    tryRun(...undo);
  }
  return true;
}

describe('a report folder that cannot be written is refused before the run (exit 2)', () => {
  it('an existing file given as --out', async () => {
    const dir = tempDir();
    const file = join(dir, 'afile');
    writeFileSync(file, 'hi\n');
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'tiny', tiny), '--out', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out: ${file} exists and is not a folder`);
    expect(r.stdout).not.toContain('running');
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
  });

  it('an immutable or read-only folder, as --out and as the default reports/ folder', async (ctx) => {
    const dir = tempDir();
    const file = writeScenario(dir, 'tiny', tiny);
    const locked = join(dir, 'locked');
    mkdirSync(join(locked, 'reports'), { recursive: true });
    const worked = await unwritable(locked, async () => {
      const r = await run('src/sim/cli/sim.ts', [file, '--out', locked]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^--out: ${locked} cannot be written \\((EPERM|EROFS|EACCES)\\)$`, 'm'));
      expect(r.stdout).not.toContain('running');
    });
    const alsoDefault = await unwritable(join(locked, 'reports'), async () => {
      const r = await simIn(locked, [file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^reports: cannot create folder .*tiny-.*: (EPERM|EROFS|EACCES)$/m);
      expect(r.stdout).not.toContain('running');
    });
    if (!worked || !alsoDefault) {
      console.log('skipped: neither chattr +i nor a read-only bind mount works here, and root ignores modes');
      ctx.skip();
    }
    expect(readdirSync(locked)).toEqual(['reports']);
  });
});

describe('report folders never mix two runs', () => {
  it('gives every run a new default folder, even two of one scenario started in the same second', async () => {
    const cwd = tempDir();
    const file = writeScenario(cwd, 'tiny', tiny);
    // The folders the next seconds would be named are taken already: the run must not write into them.
    const now = Date.now();
    const taken = [0, 1, 2, 3].map((s) => join(cwd, 'reports', `tiny-${stamp(new Date(now + s * 1000))}`));
    for (const t of taken) {
      mkdirSync(t, { recursive: true });
      writeFileSync(join(t, 'summary.json'), 'another run\n');
    }
    const [a, b] = await Promise.all([simIn(cwd, [file]), simIn(cwd, [file])]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const dirs = [reportOf(a), reportOf(b)];
    expect(new Set(dirs).size).toBe(2);
    for (const d of dirs) {
      expect(d).toMatch(/\/reports\/tiny-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d+$/);
      expect(summaryOf(d).auctions.total).toBeGreaterThan(0);
    }
    for (const t of taken) expect(readdirSync(t)).toEqual(['summary.json']);
    for (const t of taken) expect(readFileSync(join(t, 'summary.json'), 'utf8')).toBe('another run\n');
  });

  it('refuses a --out folder that is not empty, and with --force replaces only its own files', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    expect((await run('src/sim/cli/sim.ts', [writeScenario(dir, 'tiny', tiny), '--out', out])).status).toBe(0);
    expect(existsSync(join(out, 'group-slow.hgrm'))).toBe(true);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const before = readFileSync(join(out, 'summary.json'), 'utf8');

    // The second run has no slow group: a reused folder would keep the first run's group-slow.hgrm.
    const second = writeScenario(dir, 'second', { ...tiny, bidders: [tiny.bidders[0]] });
    const refused = await run('src/sim/cli/sim.ts', [second, '--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`--out: ${out} is not empty (13 entries:`);
    expect(refused.stderr).toContain('--force');
    expect(refused.stdout).not.toContain('running');
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(before);

    const forced = await run('src/sim/cli/sim.ts', [second, '--out', out, '--force']);
    expect(forced.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      [
        'auction.hgrm',
        'group-fast.hgrm',
        'histograms.hlog',
        'host-delays-fast.hgrm',
        'notes.txt',
        'overshoot.hgrm',
        'report.html',
        'report.md',
        'run-state.json',
        'scenario.resolved.json',
        'summary.json',
      ].sort(),
    );
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(Object.keys(summaryOf(out).bidders)).toEqual(['fast-1', 'fast-2']);
  });

  it('removes a folder it made when the run fails before writing anything', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const live = { ...tiny, mode: 'live' };
    // Nothing listens on port 1: the run cannot connect (exit 3), and leaves no empty folder behind.
    const r = await run('src/sim/cli/sim.ts', [
      writeScenario(dir, 'live', live),
      '--bidders',
      'ws://127.0.0.1:1',
      '--out',
      out,
    ]);
    expect(r.status).toBe(3);
    expect(existsSync(out)).toBe(false);
  });
});
