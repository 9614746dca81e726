// The live run of deploy/k8s on this machine, pod by pod, as processes (helpers/k8s.ts): the bidders
// StatefulSet's 4 pods, the rtb-run Indexed Job's 4 exchange segments with JOB_COMPLETION_INDEX from
// the pod annotation, then the rtb-run-merge Job, against one unsegmented run of the same scenario
// on the same hosts. Two things a machine without a cluster cannot give are stood in for, and only
// these: the cluster DNS (bidders-<i>.bidders.rtb.svc.cluster.local is pod i; here live.json's
// `hosts` lists the pods' loopback addresses in pod order) and the pods' own network (each pod
// listens on 0.0.0.0:9100; here on 127.0.0.1 and a free port). The load is cut to fit a test
// (200 auctions/s for 3 s); everything else is the manifests' own.

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finish, removeTempDirs, waitForOutput } from './helpers/cli.js';
import {
  byName,
  loadManifests,
  podFolders,
  podRun,
  podUser,
  runPod,
  startPod,
  workloads,
  type Workload,
} from './helpers/k8s.js';
import type { Summary } from '../src/sim/metrics/summary.js';

const manifests = loadManifests();
const job = (name: string): Workload => workloads(manifests).find((w) => w.manifest.metadata.name === name)!;
const asUser = podUser();

/** `args` with `--flag value` set to `value`. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  if (i < 0) throw new Error(`no ${flag} in ${args.join(' ')}`);
  return [...args.slice(0, i + 1), value, ...args.slice(i + 2)];
}

const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;

describe('deploy/k8s live run, its pods run here as processes', () => {
  const hosts: ChildProcess[] = [];
  afterAll(async () => {
    for (const h of hosts) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
    removeTempDirs();
  });

  it('the run Job’s 4 segments against the StatefulSet’s pods, merged, add up to the unsegmented run', async () => {
    const folders = podFolders(manifests);
    const { scenarios, data } = folders;
    const secrets = { 'rtb-token': { token: `t-${randomBytes(8).toString('hex')}` } };
    const live = JSON.parse(byName(manifests, 'ConfigMap', 'rtb-scenarios').data!['live.json']!) as {
      load: unknown;
      bidders: Array<{ count: number; hosts: unknown }>;
    };

    // The StatefulSet's pods, 0 to replicas - 1.
    const set = job('bidders');
    const replicas = (set.manifest.spec as { replicas: number }).replicas;
    // The hosts read the ConfigMap's live.json (podFolders wrote it); its hosts are rewritten below.
    for (let i = 0; i < replicas; i++) {
      const pod = podRun(set, null, folders, secrets);
      const args = withFlag(withFlag(pod.args, '--host', '127.0.0.1'), '--port', '0');
      hosts.push(startPod({ ...pod, args }, asUser));
    }
    const ports = await Promise.all(hosts.map((h) => waitForOutput(h, /at ws:\/\/127\.0\.0\.1:(\d+)\//, 60_000)));
    const total = live.bidders.reduce((n, g) => n + g.count, 0);
    const small = {
      ...live,
      load: { arrival: 'poisson', rate: 200, durationSec: 3, warmupSec: 0 },
      bidders: live.bidders.map((g) => ({ ...g, hosts: ports.map((m) => `ws://127.0.0.1:${m[1]}`) })),
    };
    writeFileSync(join(scenarios, 'live.json'), JSON.stringify(small));

    const segments = job('rtb-run');
    const n = segments.indexed!;
    const pods = Array.from({ length: n }, (_, i) => podRun(segments, i, folders, secrets));
    expect(pods.map((p) => p.env.JOB_COMPLETION_INDEX)).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    // parallelism n: all at once, as the Job runs them.
    const ran = await Promise.all(pods.map((p) => runPod(p, { ...asUser, timeoutMs: 120_000 })));
    for (const r of ran) expect([0, 1], r.stderr).toContain(r.status);

    const merge = podRun(job('rtb-run-merge'), null, folders, secrets);
    const merged = await runPod(merge, asUser);
    expect([0, 1], merged.stderr).toContain(merged.status);
    const out = merge.args[merge.args.indexOf('--out') + 1]!;

    // The same scenario unsegmented, on the same hosts, as a pod of the Job with --segments left out:
    // its env still carries JOB_COMPLETION_INDEX, which alone is never acted on.
    const wholeArgs = pods[0]!.args.filter((a, i, all) => a !== '--segments' && all[i - 1] !== '--segments');
    const whole = await runPod({ args: withFlag(wholeArgs, '--out', join(data, 'whole')), env: pods[0]!.env }, asUser);
    expect([0, 1], whole.stderr).toContain(whole.status);

    for (const h of hosts) h.kill('SIGTERM');
    const served = (await Promise.all(hosts.map((h) => finish(h, 30_000)))).map((r) =>
      Number(/served (\d+) requests/.exec(r.stdout)?.[1]),
    );

    const m = summaryOf(out);
    const w = summaryOf(join(data, 'whole'));
    const parts = Array.from({ length: n }, (_, i) => summaryOf(join(data, 'run', `segment-${i}-of-${n}`)));
    // The segments ran exactly the whole run's arrivals between them.
    expect(parts.reduce((t, s) => t + s.auctions.total, 0)).toBe(w.auctions.total);
    expect(m.auctions.total).toBe(w.auctions.total);
    // Every leaf called in every auction not skipped; counts add; the accounting is exact.
    expect(m.bids.sent).toBe(parts.reduce((t, s) => t + s.bids.sent, 0));
    expect(m.bids.sent).toBe((m.auctions.total - m.auctions.skipped) * total);
    const b = m.bids;
    expect(b.onTime + b.noBid + b.invalid + b.timedOut + b.lost).toBe(b.sent);
    expect(b.lost).toBe(0);
    // The hosts served every request of the segments and of the whole run, and each its share.
    expect(served.reduce((t, x) => t + x, 0)).toBe(m.bids.sent - m.bids.lost + w.bids.sent - w.bids.lost);
    expect(Math.min(...served)).toBeGreaterThan(0);
    process.stdout.write(
      `k8s live run here: ${n} segments, ${m.auctions.total} auctions (whole ${w.auctions.total}), ` +
        `bids.sent ${m.bids.sent} = ${parts.map((s) => s.bids.sent).join(' + ')}, timed out ${m.bids.timedOut} ` +
        `(whole ${w.bids.timedOut}), auction p99 ${m.latency.auction.p99} ms (whole ${w.latency.auction.p99}), ` +
        `hosts served ${served.join(' + ')}\n`,
    );
  }, 300_000);
});
