// Starts a bidder host in a child process (its timers then never share an event loop with the
// exchange's deadlines) and stops it, collecting the stats it kept. The child is killed if it does
// not stop in time, and it exits on its own when this process goes away. It leads a process group of
// its own, so signals meant for the run's group reach the runner alone.

import { fork, type ChildProcess } from 'node:child_process';
import type { LeafConfig } from '../../bidders/config.js';
import type { HostCommand, HostProcessLoad, HostReply } from '../../bidders/host-process.js';
import type { HostOptions, LeafHostStats } from '../../bidders/host.js';

export interface ChildHost {
  port: number;
  pid: number;
  /** Tell the host the warm-up is over: the stats it reports start afresh. */
  mark(): void;
  /** Ask the host to stop; resolves with its stats (empty if it had already died). */
  stop(timeoutMs?: number): Promise<LeafHostStats[]>;
  /** How busy the child was from the mark to the stop; null before stop() or if it died first. */
  load(): HostProcessLoad | null;
  /**
   * How busy the child has been from the mark to now, asked over IPC, so that it covers the same
   * stretch as the exchange's own figures; null if it does not answer within `timeoutMs`.
   */
  measure(timeoutMs?: number): Promise<HostProcessLoad | null>;
  /** Called once if the child exits before stop() was asked. */
  onUnexpectedExit(cb: (reason: string) => void): void;
}

/** The entry file beside this one's tree, in the same flavour (.ts under tsx, .js when compiled). */
function entry(): { file: URL; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = new URL(`../../bidders/host-process.${ts ? 'ts' : 'js'}`, import.meta.url);
  return { file, execArgv: ts ? ['--import', import.meta.resolve('tsx')] : [] };
}

export function startChildHost(
  leaves: LeafConfig[],
  seed: number | string,
  options: Partial<HostOptions> = {},
  readyTimeoutMs = 15_000,
): Promise<ChildHost> {
  const { file, execArgv } = entry();
  // A process group of its own: a terminal's Ctrl-C (SIGINT to the foreground group) is the
  // parent's to act on, and reached the child while it was still loading, before it could ignore it,
  // which killed the host before it was ready. The parent stops it over IPC; if the parent dies, the
  // IPC channel closes and the child exits (host-process.ts).
  const child: ChildProcess = fork(file, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let stopping = false;
  let exitCb: ((reason: string) => void) | null = null;
  let exitReason: string | null = null;
  let load: HostProcessLoad | null = null;
  child.once('exit', (code, signal) => {
    exitReason = signal !== null ? `killed by ${signal}` : `exited with status ${code}`;
    if (!stopping && exitCb !== null) exitCb(exitReason);
  });

  const send = (cmd: HostCommand): void => {
    if (child.connected) child.send(cmd);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bidder host did not start within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    const onEarlyExit = (): void => {
      clearTimeout(timer);
      reject(new Error(`bidder host ${exitReason ?? 'exited'} before it was ready`));
    };
    child.once('exit', onEarlyExit);
    child.once('message', (msg: HostReply) => {
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      if (msg.type !== 'ready') {
        child.kill('SIGKILL');
        reject(new Error(`bidder host failed to start: ${msg.type === 'error' ? msg.message : msg.type}`));
        return;
      }
      resolve({
        port: msg.port,
        pid: child.pid ?? -1,
        mark() {
          send({ type: 'mark' });
        },
        load: () => load,
        measure(timeoutMs = 1000) {
          if (exitReason !== null || !child.connected) return Promise.resolve(null);
          return new Promise((done) => {
            const onMessage = (m: HostReply): void => {
              if (m.type !== 'load') return;
              clearTimeout(timer);
              child.off('message', onMessage);
              done(m.process);
            };
            const timer = setTimeout(() => {
              child.off('message', onMessage);
              done(null);
            }, timeoutMs);
            child.on('message', onMessage);
            send({ type: 'measure' });
          });
        },
        onUnexpectedExit(cb) {
          exitCb = cb;
          if (exitReason !== null && !stopping) cb(exitReason);
        },
        stop(timeoutMs = 5000) {
          stopping = true;
          if (exitReason !== null) return Promise.resolve([]);
          return new Promise((done) => {
            let stats: LeafHostStats[] = [];
            const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.on('message', (m: HostReply) => {
              if (m.type === 'stats') {
                stats = m.leaves;
                load = m.process;
              }
            });
            child.once('exit', () => {
              clearTimeout(kill);
              done(stats);
            });
            send({ type: 'stop' });
          });
        },
      });
    });
    send({ type: 'start', leaves, seed, options });
  });
}
