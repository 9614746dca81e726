// What every command-line entry point shares: how it stops with a message, and how a report folder
// is stamped with the time.

/** Print `text` to stderr and exit with `status` (2 bad input, 3 a failed run, …). */
export function fail(status: number, text: string): never {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  process.exit(status);
}

/** `2026-11-25T10-14-18`: an ISO time that is a safe folder name on every file system. */
export function stamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
}
