// Who may talk to what: loopback by default, the bidder host's token checked on the upgrade (401
// without it) and sent by the exchange from the scenario, no eval of input anywhere, and report
// folders that stay inside reports/.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { BidderHost } from '../../src/bidders/host.js';
import { runLive } from '../../src/sim/run/live-runner.js';
import { validateScenario } from '../../src/sim/scenario/scenario.js';
import { alive } from './cli.js';
import { plainLeaf } from '../helpers/leaves.js';

const leaf = plainLeaf();

/** The HTTP status of an upgrade to `url` with these headers (101 when the socket opened). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      done(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      done(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) fail(err);
    });
  });
}

describe('security', () => {
  it('the bidder host listens on loopback by default, and answers 401 to an upgrade without the token', async () => {
    const host = new BidderHost([leaf], 1, { token: 's3cret' });
    const port = await host.listen();
    try {
      const address = (host as unknown as { http: { address(): AddressInfo } }).http.address();
      expect(address.address).toBe('127.0.0.1');
      const url = `ws://127.0.0.1:${port}/dsp-1`;
      expect(await upgradeStatus(url)).toBe(401);
      expect(await upgradeStatus(url, { authorization: 'Bearer wrong' })).toBe(401);
      expect(await upgradeStatus(url, { authorization: 's3cret' })).toBe(401);
      expect(await upgradeStatus(url, { authorization: 'Bearer s3cret' })).toBe(101);
      // Without the token nobody learns which leaves exist either.
      expect(await upgradeStatus(`ws://127.0.0.1:${port}/nobody`)).toBe(401);
    } finally {
      await host.close();
    }
  });

  it('a scenario token makes the child host require it and the exchange send it', async () => {
    const r = validateScenario({
      name: 'token',
      load: { arrival: 'constant', rate: 100, auctions: 20, warmupSec: 0 },
      bidders: [{ name: 'dsp', count: 2, latency: { model: 'constant', ms: 2 }, token: 'tok-123' }],
    });
    if (!r.ok) throw new Error('scenario');
    const result = await runLive(r.scenario);
    expect(result.summary.bids.sent).toBe(40);
    expect(result.summary.bids.lost).toBe(0);
    expect(result.summary.bids.onTime + result.summary.bids.noBid).toBe(40);
    expect(result.invariantViolations).toEqual([]);
  });

  it('npm run bidders -- --token T: 401 without it, loopback by default', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'bidders-cli-'));
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ bidders: [{ name: 'dsp', count: 1 }] }));
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/sim/cli/bidders.ts', '--scenario', file, '--port', '0', '--token', 'T0k'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const base = await new Promise<string>((done, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no banner: ${out}`)), 15_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /at (ws:\/\/[^/\s]+)\/<leaf>/.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            done(m[1]!);
          }
        });
      });
      expect(base).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(await upgradeStatus(`${base}/dsp-1`)).toBe(401);
      expect(await upgradeStatus(`${base}/dsp-1`, { authorization: 'Bearer T0k' })).toBe(101);
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('close', done));
      rmSync(dir, { recursive: true, force: true });
    }
    expect(alive(child.pid!)).toBe(false);
  });

  it('no eval or new Function anywhere in src/', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js|mjs)$/.test(e) && !/\.test\.ts$/.test(e)) files.push(p);
      }
    };
    walk('src');
    expect(files.length).toBeGreaterThan(20);
    const banned =
      /\beval\s*\(|\bnew\s+Function\s*\(|(?<![\w.])Function\s*\(|\bvm\.run|\brunIn(?:New|This)?Context\s*\(|setTimeout\s*\(\s*['"`]|setInterval\s*\(\s*['"`]/;
    const offenders = files.filter((f) => banned.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('report folders stay inside reports/: no scenario name that validates can climb out', () => {
    const reports = resolve('reports');
    const inside = (name: string): boolean =>
      resolve(join('reports', `${name}-2026-01-01T00-00-00`)).startsWith(reports + sep);
    for (const name of ['../../etc', '..', '.', '/etc/passwd', 'a/../../b', 'C:\\x', '']) {
      expect(validateScenario({ name }).ok).toBe(false);
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('..', '.', '../x', '...', '.-', '-..')), (name) => {
        if (validateScenario({ name }).ok) expect(inside(name)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // The CLI refuses such a name before it writes anything: cli-input.test.ts runs it.
  });
});
