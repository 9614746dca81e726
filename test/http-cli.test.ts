// Bad HTTP settings stop the command line before anything runs (exit 2), each naming its field and
// code, and nothing is written.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, run, tempDir, writeScenario } from './helpers/cli.js';

afterEach(() => removeTempDirs());

describe('npm run sim with bad transport settings', () => {
  it('exits 2 naming an ftp:// or host-less URL and gzip on a WebSocket group', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const bad = {
      bidders: [
        { name: 'f', url: 'ftp://bidder.example/x' },
        { name: 'h', url: 'http:///x' },
        { name: 'w', url: 'ws://127.0.0.1:9/w', gzip: true },
        { name: 'l', gzip: true },
      ],
    };
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'bad-http', bad), '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bidders\[0\]\.url: .*"ftp:\/\/bidder\.example\/x".*\[SCN_ERR_BAD_FORMAT\]/);
    expect(r.stderr).toMatch(/bidders\[1\]\.url: .*\[SCN_ERR_BAD_FORMAT\]/);
    expect(r.stderr).toMatch(/bidders\[2\]\.gzip: .*\[SCN_ERR_CONFLICT\]/);
    expect(r.stderr).toMatch(/bidders\[3\]\.gzip: .*\[SCN_ERR_CONFLICT\]/);
    expect(existsSync(out)).toBe(false);
  });
});
