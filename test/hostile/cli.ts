// Spawning the CLIs as a user would (node --import tsx), with a bound on time so no test hangs.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every descendant process seen while it ran. */
  descendants: number[];
}

/** Child pids of `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return out;
}

/** True while `pid` runs (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function runCli(script: string, args: string[], timeoutMs = 60_000): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const seen = new Set<number>();
  const watch = setInterval(() => {
    if (child.pid === undefined) return;
    const queue = [child.pid];
    while (queue.length > 0) {
      for (const c of childrenOf(queue.pop()!)) {
        if (!seen.has(c)) seen.add(c);
        queue.push(c);
      }
    }
  }, 25);
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr, descendants: [...seen] });
    });
  });
}
