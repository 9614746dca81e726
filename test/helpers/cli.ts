// Runs the project's command-line entry points as a user would, bounded in time.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '../../src/sim/metrics/summary.js';

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const made: string[] = [];

/** A fresh temporary folder; removeTempDirs() deletes every one made. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rtb-sim-test-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function writeScenario(dir: string, name: string, scenario: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

/** The summary.json a run wrote into `dir`. */
export function summaryOf(dir: string): Summary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
}

export interface StartOptions {
  /** Lead a process group of its own, as a shell job does: `process.kill(-pid, sig)` then reaches
   * the process and every child it starts, as a terminal's Ctrl-C would. */
  detached?: boolean;
}

/** Start `node --import tsx <script> ...args` from the project root. */
export function start(script: string, args: string[], opts: StartOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached === true,
  });
}

/** Wait for a started process to end (killing it after `timeoutMs`), collecting its output. */
export function finish(child: ChildProcess, timeoutMs = 30_000): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export function run(script: string, args: string[], timeoutMs?: number): Promise<Ran> {
  return finish(start(script, args), timeoutMs);
}

/** Resolves when the child's stdout matches `pattern`, with the match. */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got: ${seen}`)),
      timeoutMs,
    );
    const onData = (d: Buffer): void => {
      seen += d.toString();
      const m = seen.match(pattern);
      if (m !== null) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** Whether any process is left in the process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process with this pid is still alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * stderr without the harness warning a live run prints when the machine was busy (terminal.ts
 * harnessWarning): tests of other things run beside other test files, where it may appear.
 */
export function withoutHarnessWarning(stderr: string): string {
  return stderr.replace(/^WARNING: harness (?:degraded|invalid): .*\n(?: {2}.*\n)*/m, '');
}
