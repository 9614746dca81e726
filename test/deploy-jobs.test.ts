// The Kubernetes Jobs of deploy/k8s run on this machine, pod by pod, as processes: each pod's
// container is the image's ENTRYPOINT with the manifest's args, its env resolved as Kubernetes
// resolves it (JOB_COMPLETION_INDEX from the Indexed Job's pod annotation), `$(VAR)` expanded, its
// volume mounts mapped onto local folders (the ConfigMap's files written out, the claim a shared
// folder), as the image's non-root user. The sweep's shards, then the merge Job, against one
// unsharded run of the same scenario: in virtual time the same reports, times apart.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from './helpers/cli.js';
import { loadManifests, podFolders, podRun, podUser, runPod, workloads, type Workload } from './helpers/k8s.js';
import { SWEEP_REPORTS, withoutTimes } from './helpers/sweep-times.js';

const manifests = loadManifests();
const job = (name: string): Workload => workloads(manifests).find((w) => w.manifest.metadata.name === name)!;
const asUser = podUser();

describe('deploy/k8s Jobs, their pods run here as processes', () => {
  afterAll(removeTempDirs);

  it('the sweep Indexed Job’s shards, merged by the merge Job, give the unsharded sweep’s reports', async () => {
    const folders = podFolders(manifests);
    const { scenarios, data } = folders;

    const shards = job('rtb-sweep');
    expect(shards.indexed).toBe(4);
    const parallelism = (shards.manifest.spec as { parallelism: number }).parallelism;
    const pods = Array.from({ length: shards.indexed! }, (_, i) => podRun(shards, i, folders));
    // Each pod told only its index, and the same args.
    expect(pods.map((p) => p.env.JOB_COMPLETION_INDEX)).toEqual(['0', '1', '2', '3']);
    expect(new Set(pods.map((p) => p.args.join(' '))).size).toBe(1);
    for (let i = 0; i < pods.length; i += parallelism) {
      const ran = await Promise.all(pods.slice(i, i + parallelism).map((p) => runPod(p, asUser)));
      for (const r of ran) expect(r.status, r.stderr).toBe(0);
    }
    const merge = podRun(job('rtb-sweep-merge'), null, folders);
    const merged = await runPod(merge, asUser);
    expect(merged.stderr).toBe('');
    expect([0, 1]).toContain(merged.status);

    // The same scenario, unsharded, as one pod would run it.
    const whole = await runPod(
      { args: ['sweep', join(scenarios, 'sweep.json'), '--workers', '2', '--out', join(data, 'whole')], env: {} },
      asUser,
    );
    expect(whole.status).toBe(merged.status);
    expect(merged.stdout).toContain(/(NO )?RECOMMENDATION: .*/.exec(whole.stdout)![0]);
    const out = merge.args[merge.args.indexOf('--out') + 1]!;
    for (const name of SWEEP_REPORTS) {
      const a = readFileSync(join(data, 'whole', name), 'utf8');
      const b = readFileSync(join(out, name), 'utf8');
      expect(withoutTimes(b), name).toBe(withoutTimes(a));
    }
  }, 300_000);
});
