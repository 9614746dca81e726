// Reading a file no further than a limit: the scenario file, a trace file and latency files alike.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * At most `max` + 1 bytes of the file at `path`, so a file past the limit (or a device or pipe that
 * never ends) is found without reading it all.
 */
export function readBounded(path: string, max: number): { bytes: Buffer; size: number | null } {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    // A regular file needs no more than its size (and a byte to see it grew): a 64 MiB limit is no
    // reason to allocate 64 MiB for a small file.
    const buffer = Buffer.alloc(stat.isFile() ? Math.min(max, stat.size) + 1 : max + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    return { bytes: buffer.subarray(0, length), size: stat.isFile() ? stat.size : null };
  } finally {
    closeSync(fd);
  }
}

export type TextRead =
  { ok: true; text: string } | { ok: false; code: 'SCN_ERR_NO_FILE' | 'SCN_ERR_TOO_LARGE'; message: string };

/**
 * The UTF-8 text of the file at `path` when it is at most `max` bytes (`maxShown` says it in words,
 * "1 MiB"), else why not: the file is missing or unreadable, or it is too large.
 */
export function readTextUpTo(path: string, max: number, maxShown: string): TextRead {
  let read: { bytes: Buffer; size: number | null };
  try {
    read = readBounded(path, max);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? (error as Error).message})`;
    return { ok: false, code: 'SCN_ERR_NO_FILE', message };
  }
  if (read.bytes.length > max) {
    const got = read.size === null ? 'more' : String(read.size);
    return {
      ok: false,
      code: 'SCN_ERR_TOO_LARGE',
      message: `must be at most ${max} bytes (${maxShown}), the limit (got ${got})`,
    };
  }
  return { ok: true, text: read.bytes.toString('utf8') };
}
