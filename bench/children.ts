// Every child process the bench starts goes through here, so the end of the run (or a signal) can
// kill exactly those, by pid, and nothing is left behind.

import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';

const live = new Set<ChildProcess>();

/** `--import tsx` for a .ts entry, plus any extra node flags. */
export function tsxArgs(extra: readonly string[] = []): string[] {
  return [...extra, '--import', import.meta.resolve('tsx')];
}

export function forkTracked(file: URL, args: readonly string[], opts: ForkOptions): ChildProcess {
  const child = fork(file, [...args], opts);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

const foreign = new Set<number>();

/** A child started elsewhere (the bidder host via src/sim/run/host-child.ts): killed at the end if still there. */
export function trackPid(pid: number): void {
  if (pid > 0) foreign.add(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kill what is still running (SIGKILL after `graceMs`); resolves when all have exited. */
export async function killAll(graceMs = 2000): Promise<void> {
  const waits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hard = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(waits);
  for (const pid of foreign) {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  foreign.clear();
}

/** Pids of children still running (for the end-of-run check). */
export function survivors(): number[] {
  return [
    ...[...live].flatMap((c) => (c.pid !== undefined && alive(c.pid) ? [c.pid] : [])),
    ...[...foreign].filter(alive),
  ];
}

/**
 * In a forked bench child: compute the result, send it to the parent and exit 0; a failure goes to the
 * parent as `{ type: 'error' }` (which awaitMessage rejects with) and exits 1.
 */
export async function replyToParent(compute: () => { type: 'result' } | Promise<{ type: 'result' }>): Promise<void> {
  let reply: object;
  let code: number;
  try {
    reply = await compute();
    code = 0;
  } catch (err) {
    reply = { type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    code = 1;
  }
  process.send?.(reply, undefined, undefined, () => process.exit(code));
}

/** Wait for one IPC message of `type` from `child`, or fail after `timeoutMs`. */
export function awaitMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} sent no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (msg: T): void => {
      if (msg.type === 'error') {
        cleanup();
        reject(new Error(`child ${child.pid}: ${(msg as unknown as { message: string }).message}`));
      } else if (msg.type === type) {
        cleanup();
        resolve(msg);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${signal ?? code}) before '${type}'`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
