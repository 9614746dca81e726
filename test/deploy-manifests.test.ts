// The Kubernetes manifests (deploy/k8s) and the Dockerfile, checked against the CLI that runs in them,
// since no cluster and no Docker engine run here: every container's args parse with the command's own
// spec, the env it declares is what the args and the CLI read, an Indexed Job's index reaches
// --segments or --shards, every path the commands read or write is on a mounted volume (scenarios on
// the ConfigMap, results on the shared claim a merge reads back), and the bidders' StatefulSet is what
// the live scenario's `hosts` names.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommandArgs } from '../src/sim/cli/command-spec.js';
import { ENTRY_COMMANDS } from '../src/sim/cli/commands.js';
import { JOB_INDEX_ENV } from '../src/sim/cli/index-flags.js';
import { segmentFromFlags } from '../src/sim/cli/segment-flag.js';
import { hostUrls } from '../src/sim/scenario/bidder-groups.js';
import { validateScenario } from '../src/sim/scenario/scenario.js';
import type { LocalGroup } from '../src/sim/scenario/schema.js';
import { resolveShard } from '../src/sim/sweep/shard.js';
import {
  byName,
  entrypoint,
  expandVars,
  INDEX_FIELD,
  loadManifests,
  ROOT,
  runPod,
  varRefs,
  workloads,
  type Container,
  type Workload,
} from './helpers/k8s.js';

const manifests = loadManifests();
const all = workloads(manifests);
/** Environment variables the CLI itself reads. */
const CLI_ENV = new Set([JOB_INDEX_ENV]);

interface Paths {
  reads: string[];
  writes: string[];
}

/** What the container's command reads and writes, from its parsed args. */
function pathsOf(c: Container): Paths & { command: string; values: Record<string, unknown>; positionals: string[] } {
  const [command, ...rest] = (c.args ?? []).map((a) => expandVars(a, { RTB_TOKEN: 'token-for-the-parser' }));
  const entry = ENTRY_COMMANDS[command!];
  if (entry === undefined) throw new Error(`${c.name}: ${command} is no rtb-sim command`);
  const parsed = parseCommandArgs(entry.spec, rest);
  if (parsed.kind !== 'run') throw new Error(`${c.name}: ${parsed.kind === 'error' ? parsed.message : 'help'}`);
  const values = parsed.values as Record<string, unknown>;
  const { positionals } = parsed;
  const out = typeof values.out === 'string' ? [values.out] : [];
  const reads =
    command === 'bidders'
      ? [values.scenario as string]
      : command === 'sweep' && values.merge !== true
        ? positionals.slice(0, 1)
        : positionals;
  return { command: command!, values, positionals, reads, writes: out };
}

const label = (w: Workload): string => `${w.manifest.file}: ${w.manifest.kind} ${w.manifest.metadata.name}`;

describe('deploy/k8s', () => {
  it('has the workloads the docs name: bidders, the run and sweep Indexed Jobs and their merges', () => {
    expect(all.map((w) => `${w.manifest.kind}/${w.manifest.metadata.name}`).sort()).toEqual(
      expect.arrayContaining([
        'Job/rtb-run',
        'Job/rtb-run-merge',
        'Job/rtb-sweep',
        'Job/rtb-sweep-merge',
        'StatefulSet/bidders',
      ]),
    );
    for (const m of manifests) expect(m.metadata.namespace ?? m.metadata.name, m.file).toBe('rtb');
  });

  it('runs the image’s entry point in every container, with args that parse as its commands do', () => {
    for (const w of all) {
      for (const c of w.pod.containers) {
        // No command: the image's ENTRYPOINT (rtb-sim.ts) runs, with args as its argv.
        expect(c.command, label(w)).toBeUndefined();
        expect(c.image, label(w)).toBe('rtb-sim:0.1.0');
        const p = pathsOf(c);
        expect(Object.keys(ENTRY_COMMANDS)).toContain(p.command);
      }
    }
    expect(entrypoint()).toEqual(['node', '--import', 'tsx', 'src/sim/cli/rtb-sim.ts']);
  });

  it('declares exactly the env the args and the CLI read, each from a source Kubernetes resolves', () => {
    for (const w of all) {
      for (const c of w.pod.containers) {
        const declared = (c.env ?? []).map((e) => e.name);
        const refs = (c.args ?? []).flatMap(varRefs);
        // Every $(VAR) is declared (Kubernetes leaves an undeclared one as the text "$(VAR)").
        for (const r of refs) expect(declared, `${label(w)}: $(${r})`).toContain(r);
        // Every declared variable is read: by the args, or by the CLI itself.
        for (const name of declared)
          expect(refs.includes(name) || CLI_ENV.has(name), `${label(w)}: ${name}`).toBe(true);
        for (const e of c.env ?? []) {
          if (e.name === JOB_INDEX_ENV) expect(e.valueFrom?.fieldRef?.fieldPath, label(w)).toBe(INDEX_FIELD);
          else expect(e.valueFrom?.secretKeyRef?.name, `${label(w)}: ${e.name}`).toBe('rtb-token');
        }
      }
    }
    // The Secret they read is made by the command the docs give.
    expect(readFileSync(join(ROOT, 'docs/kubernetes.md'), 'utf8')).toContain('kubectl create secret generic rtb-token');
  });

  it('makes each Indexed Job’s index reach --segments or --shards, with the Job’s completions as n', () => {
    for (const w of all) {
      const p = pathsOf(w.pod.containers[0]!);
      const split = p.values.segments ?? p.values.shards;
      if (w.indexed === null) {
        expect([p.values.segments, p.values.shards, p.values.segment, p.values.shard], label(w)).toEqual([
          undefined,
          undefined,
          undefined,
          undefined,
        ]);
        continue;
      }
      expect(split, label(w)).toBe(String(w.indexed));
      expect((w.manifest.spec as { parallelism?: number }).parallelism ?? 1).toBeLessThanOrEqual(w.indexed);
      // Pod i reads index i, with the CLI's own readers.
      for (let i = 0; i < w.indexed; i++) {
        const env = { [JOB_INDEX_ENV]: String(i) };
        if (p.command === 'sim') {
          expect(segmentFromFlags(undefined, p.values.segments as string, env)).toEqual({ index: i, count: w.indexed });
        } else {
          expect(p.command).toBe('sweep');
          expect(resolveShard({ shards: p.values.shards as string }, env)).toEqual({
            ok: true,
            shard: { index: i, count: w.indexed },
          });
        }
      }
    }
  });

  it('puts every path a command reads or writes on a mounted volume: scenarios on the ConfigMap, results on the claim', () => {
    const claimWrites = new Map<string, string[]>();
    const claimReads: Array<{ w: Workload; claim: string; path: string }> = [];
    const scenarios = byName(manifests, 'ConfigMap', 'rtb-scenarios');
    for (const w of all) {
      const c = w.pod.containers[0]!;
      const p = pathsOf(c);
      const mountOf = (path: string): { mountPath: string; readOnly?: boolean; name: string } => {
        const m = (c.volumeMounts ?? []).find((v) => path === v.mountPath || path.startsWith(`${v.mountPath}/`));
        if (m === undefined) throw new Error(`${label(w)}: ${path} is on no volume mount`);
        return m;
      };
      const volume = (name: string): NonNullable<Workload['pod']['volumes']>[number] => {
        const v = (w.pod.volumes ?? []).find((x) => x.name === name);
        if (v === undefined) throw new Error(`${label(w)}: no volume ${name}`);
        return v;
      };
      for (const path of p.reads) {
        expect(posix.isAbsolute(path), `${label(w)}: ${path}`).toBe(true);
        const m = mountOf(path);
        const v = volume(m.name);
        if (v.configMap !== undefined) {
          expect(v.configMap.name).toBe('rtb-scenarios');
          expect(Object.keys(scenarios.data ?? {}), `${label(w)}: ${path}`).toContain(
            posix.relative(m.mountPath, path),
          );
        } else {
          claimReads.push({ w, claim: v.persistentVolumeClaim!.claimName, path });
        }
      }
      for (const path of p.writes) {
        const m = mountOf(path);
        const v = volume(m.name);
        expect(m.readOnly ?? false, `${label(w)}: ${path} on a read-only mount`).toBe(false);
        const claim = v.persistentVolumeClaim?.claimName;
        expect(claim, `${label(w)}: ${path} is not on the shared claim`).toBe('rtb-data');
        claimWrites.set(claim!, [...(claimWrites.get(claim!) ?? []), path]);
      }
      for (const m of c.volumeMounts ?? []) volume(m.name);
    }
    // What a merge reads, an Indexed Job wrote: the same folder on the same claim.
    expect(claimReads.length).toBeGreaterThan(0);
    for (const r of claimReads) expect(claimWrites.get(r.claim), `${label(r.w)}: ${r.path}`).toContain(r.path);
    expect(byName(manifests, 'PersistentVolumeClaim', 'rtb-data').spec).toMatchObject({
      accessModes: ['ReadWriteMany'],
    });
  });

  it('gives the ConfigMap valid scenarios, the live one naming the StatefulSet’s pods as its hosts', () => {
    const data = byName(manifests, 'ConfigMap', 'rtb-scenarios').data ?? {};
    for (const [name, text] of Object.entries(data)) {
      const r = validateScenario(JSON.parse(text), name);
      expect(r.ok ? [] : r.issues, name).toEqual([]);
    }
    const live = validateScenario(JSON.parse(data['live.json']!));
    const sweep = validateScenario(JSON.parse(data['sweep.json']!));
    if (!live.ok || !sweep.ok) throw new Error('invalid');
    expect(live.scenario.mode).toBe('live');
    // Virtual, so the merged sweep is the unsharded one byte for byte (deploy-jobs.test.ts).
    expect(sweep.scenario.mode).toBe('virtual');

    const service = byName(manifests, 'Service', 'bidders');
    const set = byName(manifests, 'StatefulSet', 'bidders');
    const setSpec = set.spec as {
      serviceName: string;
      replicas: number;
      selector: { matchLabels: Record<string, string> };
    };
    const svcSpec = service.spec as {
      clusterIP: string;
      selector: Record<string, string>;
      ports: Array<{ port: number; targetPort: number }>;
    };
    expect(svcSpec.clusterIP).toBe('None'); // headless: one DNS name per pod
    expect(setSpec.serviceName).toBe(service.metadata.name);
    expect(svcSpec.selector).toEqual(setSpec.selector.matchLabels);
    const bidders = workloads([set])[0]!.pod.containers[0]!;
    const port = Number(pathsOf(bidders).values.port);
    expect(bidders.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect(svcSpec.ports.map((p) => [p.port, p.targetPort])).toEqual([[port, port]]);
    expect(pathsOf(bidders).values.host).toBe('0.0.0.0');

    const pods = Array.from(
      { length: setSpec.replicas },
      (_, i) =>
        `ws://${set.metadata.name}-${i}.${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${port}`,
    );
    const groups = live.scenario.bidders.filter((g): g is LocalGroup => 'count' in g);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(hostUrls(g.hosts!)).toEqual(pods);
  });

  it('runs every pod as the image’s non-root user', () => {
    const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const uid = Number(/^USER (\d+):(\d+)$/m.exec(docker)?.[1]);
    for (const w of all) expect(w.pod.securityContext, label(w)).toMatchObject({ runAsNonRoot: true, runAsUser: uid });
  });
});

describe('Dockerfile', () => {
  const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = docker.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('builds on a small Node 20 base, installs with npm ci from the lock file, and runs as a non-root user', () => {
    expect(lines[0]).toMatch(/^FROM node:20-(alpine|slim|bookworm-slim)\b/);
    const ci = lines.findIndex((l) => /^RUN npm ci\b/.test(l));
    const lock = lines.findIndex((l) => /^COPY .*package-lock\.json/.test(l));
    const src = lines.findIndex((l) => /^COPY src\b/.test(l));
    expect(lock).toBeGreaterThan(0);
    // The lock file before the install, the sources after it (the install layer outlives source edits).
    expect(lock).toBeLessThan(ci);
    expect(ci).toBeLessThan(src);
    expect(lines[ci]).toContain('--omit=dev');
    const user = lines.filter((l) => l.startsWith('USER '));
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^USER (root|0)\b/);
    // Nothing runs as root after the switch.
    expect(lines.findIndex((l) => l.startsWith('USER '))).toBeGreaterThan(
      lines.findLastIndex((l) => l.startsWith('RUN ')),
    );
  });

  it('copies files that exist and are not ignored, and keeps what the runtime needs among the dependencies', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY '))) {
      const sources = l.split(/\s+/).slice(1, -1);
      for (const s of sources) {
        expect(existsSync(join(ROOT, s)), s).toBe(true);
        expect(ignore, s).not.toContain(s);
      }
    }
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'reports', '.git']));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // --omit=dev keeps only these: the entry point needs tsx, the commands ws, yaml and the rest.
    for (const dep of ['tsx', 'ws', 'hdr-histogram-js', 'seedrandom', 'nanoid'])
      expect(Object.keys(pkg.dependencies)).toContain(dep);
    const [, , , script] = entrypoint();
    expect(existsSync(join(ROOT, script!))).toBe(true);
  });

  it('needs no dev dependency at run time: every package the image’s sources import is a dependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[]).filter(
      (f) => /\.(ts|js)$/.test(f) && !f.endsWith('.test.ts'),
    );
    const used = new Set<string>();
    for (const f of files) {
      const text = readFileSync(join(ROOT, 'src', f), 'utf8');
      for (const m of text.matchAll(
        /(?:from\s+|import\s*\(\s*|import\s+|require(?:\.resolve)?\(\s*|resolve\(\s*)'([^'.][^']*)'/g,
      )) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) expect(Object.keys(pkg.dependencies), name).toContain(name);
  });

  it('has an entry point that runs each command as npm run would, and names a command it does not have', async () => {
    const [help, typo, none] = await Promise.all([
      runPod({ args: ['sweep', '--help'], env: {} }, { timeoutMs: 60_000 }),
      runPod({ args: ['swep', 'x.json'], env: {} }, { timeoutMs: 60_000 }),
      runPod({ args: [], env: {} }, { timeoutMs: 60_000 }),
    ]);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(helpText(ENTRY_COMMANDS.sweep!.spec));
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('swep: unknown command (did you mean sweep?)');
    expect(none.status).toBe(2);
    expect(none.stdout).toContain('usage: rtb-sim COMMAND');
  }, 90_000);
});
