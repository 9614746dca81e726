// What every command-line entry point shares: how it stops with a message, how it hears SIGINT and
// SIGTERM, whether a module is the one node was asked to run, and how a report folder is stamped with the time.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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
