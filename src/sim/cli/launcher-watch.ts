// Whether the processes that launched this one are still there. `npm run sim` is a chain of
// processes in one process group: npm, `sh -c`, the tsx launcher, then the run itself. Killing npm
// alone (or its shell) leaves the rest running until the run ends, with nobody to read the result;
// the run watches the chain and stops as on SIGTERM when a link breaks. The chain is this process's
// parent, and above it each ancestor of this process group up to the group's leader (npm, or the
// shell job), and never above npm when npm started it: a process outside the group (the user's
// shell), or a script that started npm in the background and ended, is not watched, so `nohup npm
// run sim &` still outlives the shell. A link breaks when a process's parent is no longer the one recorded:
// the kernel hands the children of a process that dies to init (or a subreaper) at once.

import { readFileSync } from 'node:fs';

export interface ProcInfo {
  ppid: number;
  pgid: number;
  /**
   * The npm script it runs for (`npm_lifecycle_script` in its environment), null for none, absent
   * when unknown. The processes of one `npm run` share it; the first one above them that does not
   * (no script, or the script of an npm run that started this npm) is npm itself: the chain's top.
   */
  npmScript?: string | null;
}

/** A process's parent and group, or null when it is gone (or cannot be read). */
export type ReadProc = (pid: number) => ProcInfo | null;

/** How often the chain is checked, in milliseconds. */
export const LAUNCHER_POLL_MS = 250;

/** `self`, then its parent, then each launcher above it in `self`'s process group up to the group's leader. */
export function launcherChain(self: number, read: ReadProc): number[] {
  const chain = [self];
  const own = read(self);
  if (own === null) return chain;
  let info: ProcInfo = own;
  // Bounded: a chain of launchers is a handful of processes; a cycle (pid reuse while reading) ends it too.
  while (chain.length < 64) {
    const parent = info.ppid;
    if (parent <= 1 || chain.includes(parent)) break;
    chain.push(parent);
    const up = read(parent);
    // Above the parent, only launchers of this group: never the shell (or whatever) that started it.
    if (up === null || up.pgid !== own.pgid || parent === up.pgid) break;
    // Nor above npm, when npm started this one: a script that ran `npm run bidders &` in the
    // background (no job control, so one group with it) may end, and the host go on serving.
    if (typeof own.npmScript === 'string' && up.npmScript !== undefined && up.npmScript !== own.npmScript) break;
    info = up;
  }
  return chain;
}

/**
 * The first process of `chain` whose parent is no longer the next one recorded (its launcher is
 * gone), or null while every link holds. `ppidOf(chain[0])` may be `process.ppid`.
 */
export function brokenLink(chain: readonly number[], ppidOf: (pid: number) => number | null): number | null {
  for (let i = 0; i + 1 < chain.length; i++) {
    const pid = chain[i] as number;
    if (ppidOf(pid) !== chain[i + 1]) return pid;
  }
  return null;
}

/** /proc/<pid>/stat's parent and group (Linux); null elsewhere or when the process is gone. */
export function readProcStat(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  return Number.isInteger(ppid) && Number.isInteger(pgid) ? { ppid, pgid } : null;
}

/** readProcStat, and the npm script the process runs for (read from /proc/<pid>/environ). */
export function readProcLaunch(pid: number): ProcInfo | null {
  const info = readProcStat(pid);
  if (info === null) return null;
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .find((e) => e.startsWith('npm_lifecycle_script='));
    return { ...info, npmScript: entry === undefined ? null : entry.slice('npm_lifecycle_script='.length) };
  } catch {
    return info;
  }
}

/**
 * Calls `onGone` once, with the pid of the launcher that went away, when a link of this process's
 * launcher chain breaks. Without /proc only the parent is watched (process.ppid). Returns a function
 * that stops watching; the timer never keeps the process alive.
 */
export function watchLauncher(onGone: (launcher: number) => void, everyMs = LAUNCHER_POLL_MS): () => void {
  const chain = launcherChain(process.pid, readProcLaunch);
  if (chain.length === 1) {
    // Started by init already (setsid, a container's entry point): nobody to outlive.
    return () => undefined;
  }
  const ppidOf = (pid: number): number | null => readProcStat(pid)?.ppid ?? (pid === process.pid ? process.ppid : null);
  const timer = setInterval(() => {
    const broken = brokenLink(chain, ppidOf);
    if (broken === null) return;
    clearInterval(timer);
    onGone(chain[chain.indexOf(broken) + 1] as number);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
