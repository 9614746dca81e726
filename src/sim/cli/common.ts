// What every command-line entry point shares: how it stops with a message, how it hears SIGINT and
// SIGTERM, whether a module is the one node was asked to run, and how a report folder is stamped with the time.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EXIT } from './exit-codes.js';

/** Print `text` to stderr and exit with `status` (EXIT in exit-codes.ts). */
export function fail(status: number, text: string): never {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  process.exit(status);
}

/**
 * Calls `onStop` once, for the first SIGINT or SIGTERM, and keeps listening after it: a repeat is
 * ignored. `npm run` starts the command under the tsx launcher, which on Ctrl-C sends the signal to
 * its child again whenever it misses the child's acknowledgement (a race, one Ctrl-C in four here), and
 * tsx's own handler in the child exits at once (130, nothing written) when the signal finds no other
 * listener: with `process.once` the first signal used ours up. (Should the repeat too go unacknowledged
 * for 30 ms, tsx kills the child outright; not seen in 40 tries on a loaded machine.) Returns a function
 * that stops listening.
 */
export function onStopSignals(onStop: (signal: NodeJS.Signals) => void): () => void {
  let heard = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (heard) return;
    heard = true;
    onStop(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}

/** A run's stop: what its runner watches, and the exit status the stop asks for (0 while running). */
export interface Stopper {
  readonly signal: AbortSignal;
  status(): number;
  /** Stop once (later calls change nothing): say why on stderr and exit with `status` at the end. */
  stop(status: number, message: string): void;
}

/**
 * Stop on the first SIGINT (130) or SIGTERM (143), saying `\n<SIGNAL>: <doing>`, through
 * onStopSignals (so a repeated signal is ignored).
 */
export function stopOnSignals(doing: string): Stopper {
  const abort = new AbortController();
  let status = 0;
  const stopper: Stopper = {
    signal: abort.signal,
    status: () => status,
    stop(code, message) {
      if (abort.signal.aborted) return;
      status = code;
      process.stderr.write(message);
      abort.abort();
    },
  };
  onStopSignals((sig) => stopper.stop(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm, `\n${sig}: ${doing}\n`));
  return stopper;
}

/** Whether the module at `moduleUrl` is the script node runs (not one imported by a test). */
export function isEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // Node resolves the main module through symlinks; the script's path as typed may not be.
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

/** `2026-11-25T10-14-18`: an ISO time that is a safe folder name on every file system. */
export function stamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
}
