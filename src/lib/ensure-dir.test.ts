import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDir } from './ensure-dir.js';

const root = mkdtempSync(join(tmpdir(), 'ensure-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ensureDir', () => {
  it('makes every missing folder of a path, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    ensureDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    ensureDir(deep);
  });

  it('throws, naming the folder, where a file stands in the way', () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(() => ensureDir(join(root, 'file', 'sub'))).toThrow(
      `cannot create folder ${join(root, 'file', 'sub')}: ENOTDIR`,
    );
  });

  it('throws instead of hanging where the kernel refuses a folder under an existing parent', () => {
    // Node 20's recursive mkdirSync never returns here.
    expect(() => ensureDir('/proc/rtb-sim-nope/x')).toThrow('cannot create folder /proc/rtb-sim-nope: ENOENT');
    expect(existsSync('/proc/rtb-sim-nope')).toBe(false);
  });
});
