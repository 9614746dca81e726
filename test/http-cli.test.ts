// Bad HTTP settings stop the command line before anything runs (exit 2), each naming its field and
// code, and nothing is written; an HTTP bidder nobody answers stops the run before it starts (exit 3).

import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('npm run sim against an HTTP bidder nobody answers', () => {
  it('stops before the run starts (exit 3), naming the bidder and the cause, as for WebSocket ones', async () => {
    // A port that was just free: nothing listens on it.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((done) => server.close(() => done()));
    const dir = tempDir();
    const out = join(dir, 'out');
    const scenario = {
      load: { rate: 50, durationSec: 2, warmupSec: 0 },
      bidders: [
        { name: 'near', count: 1 },
        { name: 'gone', url: `http://127.0.0.1:${port}/openrtb` },
      ],
    };
    const started = Date.now();
    const r = await run('src/sim/cli/sim.ts', [writeScenario(dir, 'gone', scenario), '--out', out], 30_000);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toContain(
      `run failed: could not connect to 1 HTTP bidder(s) within 5000 ms:\n  http://127.0.0.1:${port}/openrtb: ECONNREFUSED`,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
