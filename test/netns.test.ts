// Bidders on other machines, on one machine: two bidder hosts, each in a network namespace of its own
// behind a veth pair with its own addresses (10.200.X.Y/30), and the exchange in the root namespace
// dialling a group whose `hosts` names both. Checks the run (its accounting, every leaf's requests
// served by the host it was dealt to) and what crossed the veths: the upgrade came from the root
// side's address with the group's token, and every frame the exchange sent was masked with its own
// random key (RFC 6455 §5.3), the unmasked payload a BidRequest. A relay in each namespace, in front
// of the host, records the bytes. Needs root and `ip` (iproute2); skips, saying why, without them.
// Names carry a random suffix and addresses a free 10.200.X.0/24, so parallel runs never collide;
// everything made is removed in afterAll, whatever failed. Traffic goes only to these namespaces.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { finish, removeTempDirs, tempDir, waitForOutput, writeScenario, type Ran } from './helpers/cli.js';
import type { Summary } from '../src/sim/metrics/summary.js';

const ROOT = new URL('..', import.meta.url).pathname;

function ipPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const isRoot = process.getuid?.() === 0;
const ip = ipPath();
const skipReason = !isRoot ? 'not root' : ip === null ? '`ip` (iproute2) is missing' : null;
if (skipReason !== null) process.stdout.write(`netns.test.ts skipped: ${skipReason}\n`);

const run = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000 });

/** A 10.200.X.0/24 with no address on this machine yet. */
function freeSubnet(): number {
  const used = run('-4', '-o', 'addr');
  for (let tries = 0; tries < 64; tries++) {
    const x = 1 + Math.floor(Math.random() * 254);
    if (!used.includes(`10.200.${x}.`)) return x;
  }
  throw new Error('no free 10.200.X.0/24 after 64 tries');
}

interface Side {
  ns: string;
  /** The root namespace's end of the veth, and its address. */
  rootIf: string;
  rootAddr: string;
  /** The namespace's address. */
  addr: string;
}

/** One WebSocket frame a client sent: its masking key (null if unmasked), opcode and unmasked payload. */
interface Frame {
  opcode: number;
  key: Buffer | null;
  payload: Buffer;
}

/** The client's HTTP upgrade request and the frames after it. */
function parseClientStream(bytes: Buffer): { request: string; frames: Frame[] } {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('no HTTP request in the capture');
  const request = bytes.subarray(0, end).toString('latin1');
  const frames: Frame[] = [];
  let at = end + 4;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let len = b1 & 0x7f;
    let head = 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at + 2));
      head = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? bytes.subarray(at + head, at + head + 4) : null;
    const start = at + head + (masked ? 4 : 0);
    if (start + len > bytes.length) break; // the capture's cap cut the last frame
    const payload = Buffer.from(bytes.subarray(start, start + len));
    if (key !== null) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    frames.push({ opcode: b0 & 0x0f, key: key === null ? null : Buffer.from(key), payload });
    at = start + len;
  }
  return { request, frames };
}

describe.skipIf(skipReason !== null)('bidder hosts in network namespaces of their own', () => {
  const suffix = randomBytes(3).toString('hex');
  const token = `tok-${randomBytes(8).toString('hex')}`;
  const sides: Side[] = [];
  const children: ChildProcess[] = [];
  const made: Array<() => void> = [];
  const dir = tempDir();
  const relays: Array<{ child: ChildProcess; capture: string }> = [];
  const hostsOut: Ran[] = [];
  let exchange: Ran | undefined;
  let summary: Summary | undefined;

  /** Start `node --import tsx <script> ...args` inside namespace `ns`. */
  const inNs = (ns: string, script: string, args: string[]): ChildProcess => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    const x = freeSubnet();
    for (const [i, name] of ['a', 'b'].entries()) {
      const side: Side = {
        ns: `rtbsim-${suffix}-${name}`,
        rootIf: `vr${suffix}${name}`,
        rootAddr: `10.200.${x}.${4 * i + 1}`,
        addr: `10.200.${x}.${4 * i + 2}`,
      };
      const nsIf = `vn${suffix}${name}`;
      run('netns', 'add', side.ns);
      made.push(() => run('netns', 'del', side.ns));
      run('link', 'add', side.rootIf, 'type', 'veth', 'peer', 'name', nsIf);
      // Deleting one end of a veth pair deletes both (and a namespace's end goes with the namespace).
      made.push(() => run('link', 'del', side.rootIf));
      run('link', 'set', nsIf, 'netns', side.ns);
      run('addr', 'add', `${side.rootAddr}/30`, 'dev', side.rootIf);
      run('link', 'set', side.rootIf, 'up');
      run('-n', side.ns, 'addr', 'add', `${side.addr}/30`, 'dev', nsIf);
      run('-n', side.ns, 'link', 'set', nsIf, 'up');
      run('-n', side.ns, 'link', 'set', 'lo', 'up');
      sides.push(side);
    }
    const scenario = {
      name: 'netns',
      seed: 11,
      mode: 'live',
      load: { rate: 200, auctions: 400, warmupSec: 0 },
      auction: { tmaxMs: 250 },
      bidders: [
        {
          name: 'dsp',
          count: 4,
          latency: { model: 'constant', ms: 2 },
          token,
          hosts: sides.map((s) => `ws://${s.addr}:9100`),
        },
      ],
    };
    const file = writeScenario(dir, 'netns', scenario);
    // In each namespace: the bidder host on its loopback, and the relay on the veth's address.
    const hosts = sides.map((s) =>
      inNs(s.ns, 'src/sim/cli/bidders.ts', [
        '--scenario',
        file,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--token',
        token,
      ]),
    );
    const ports = await Promise.all(hosts.map((h) => waitForOutput(h, /at ws:\/\/127\.0\.0\.1:(\d+)\//, 60_000)));
    for (const [i, s] of sides.entries()) {
      const capture = join(dir, `capture-${i}.json`);
      const child = inNs(s.ns, 'test/helpers/capture-relay.ts', [s.addr, '9100', '127.0.0.1', ports[i]![1]!, capture]);
      relays.push({ child, capture });
    }
    await Promise.all(relays.map((r) => waitForOutput(r.child, /relaying/, 60_000)));

    // A dial without the token is refused across the veth.
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://${sides[0]!.addr}:9100/dsp-1`);
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('opened without a token')));
      ws.on('error', (err) => reject(err));
    });
    expect(refused).toBe(401);

    const out = join(dir, 'report');
    const sim = spawn(process.execPath, ['--import', 'tsx', 'src/sim/cli/sim.ts', file, '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(sim);
    exchange = await finish(sim, 120_000);
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    for (const h of hosts) h.kill('SIGTERM');
    hostsOut.push(...(await Promise.all(hosts.map((h) => finish(h, 30_000)))));
    for (const r of relays) r.child.kill('SIGTERM');
    await Promise.all(relays.map((r) => finish(r.child, 30_000)));
  }, 300_000);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const errors: unknown[] = [];
    for (const undo of made.reverse()) {
      try {
        undo();
      } catch (err) {
        errors.push(err);
      }
    }
    removeTempDirs();
    // Nothing of ours is left behind.
    expect(run('netns', 'list')).not.toContain(`rtbsim-${suffix}`);
    expect(errors.filter((e) => !String(e).includes('Cannot find device'))).toEqual([]);
  });

  it('runs across the veths with exact accounting, each leaf served by the host it was dealt to', () => {
    expect(exchange?.status, exchange?.stderr).toBe(0);
    const s = summary!;
    expect(s.auctions.total).toBe(400);
    const b = s.bids;
    expect(b.sent).toBe((s.auctions.total - s.auctions.skipped) * 4);
    expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost).toBe(b.sent);
    expect(b.lost).toBe(0);
    expect(b.onTime).toBeGreaterThan(0);
    const leaf = (name: string): number => s.bidders[name]!.sent;
    // dsp-1 and dsp-3 went to the first host, dsp-2 and dsp-4 to the second.
    const served = hostsOut.map((h) => Number(/served (\d+) requests/.exec(h.stdout)?.[1]));
    expect(served).toEqual([leaf('dsp-1') + leaf('dsp-3'), leaf('dsp-2') + leaf('dsp-4')]);
    expect(Math.min(...served)).toBeGreaterThan(0);
    const p = s.latency.auction;
    process.stdout.write(
      `netns run: ${s.auctions.total} auctions at ${s.auctions.perSec}/s, auction p50 ${p.p50} ms p99 ${p.p99} ms, ` +
        `${b.timedOut} of ${b.sent} requests timed out, hosts served ${served.join(' + ')}\n`,
    );
  });

  it('sent over the veths from the root side, with the token, every frame masked with a key of its own', () => {
    for (const [i, r] of relays.entries()) {
      const record = JSON.parse(readFileSync(r.capture, 'utf8')) as Array<{ remote: string; bytes: string }>;
      // The refused dial, then one connection per leaf dealt to this host.
      const dialled = record.map((c) => ({ remote: c.remote, ...parseClientStream(Buffer.from(c.bytes, 'base64')) }));
      const leaves = dialled.filter(
        (c) => /^GET \/dsp-\d /.test(c.request) && /\r\nauthorization: Bearer /i.test(c.request),
      );
      expect(leaves.map((c) => /^GET \/(dsp-\d) /.exec(c.request)![1]).sort()).toEqual(
        i === 0 ? ['dsp-1', 'dsp-3'] : ['dsp-2', 'dsp-4'],
      );
      for (const c of dialled) expect(c.remote.replace(/^::ffff:/, '')).toBe(sides[i]!.rootAddr);
      for (const c of leaves) {
        expect(/\r\nauthorization: Bearer (\S+)/i.exec(c.request)?.[1]).toBe(token);
        const data = c.frames.filter((f) => f.opcode === 1 || f.opcode === 2);
        expect(data.length).toBeGreaterThan(100);
        // Masked, every one (a client must mask), with keys a random source gives: no two alike in
        // hundreds of 32-bit draws, and none zero.
        expect(data.every((f) => f.key !== null)).toBe(true);
        const keys = new Set(data.map((f) => f.key!.toString('hex')));
        expect(keys.size).toBe(data.length);
        expect(keys.has('00000000')).toBe(false);
        // Unmasked with its key, each request frame is a BidRequest (notices are frames too).
        const requests = data
          .map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>)
          .filter((m) => Array.isArray(m.imp));
        expect(requests.length).toBeGreaterThan(100);
        for (const m of requests) expect(typeof m.id).toBe('string');
      }
    }
  });
});
