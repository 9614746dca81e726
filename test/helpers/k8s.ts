// The Kubernetes manifests under deploy/k8s, read as Kubernetes reads them, and their pods run on this
// machine as processes: each container's env resolved (literal values, the Indexed Job's completion
// index from its pod annotation, secrets from a given map), `$(VAR)` in its args expanded, its volume
// mounts mapped onto local folders, and the image's ENTRYPOINT (Dockerfile) run with those args.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { finish, tempDir, type Ran } from './cli.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const K8S_DIR = join(ROOT, 'deploy/k8s');

/** A manifest as parsed JSON: only the fields the tests read are typed. */
export interface Manifest {
  file: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
  };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: Array<{ containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface Volume {
  name: string;
  configMap?: { name: string };
  persistentVolumeClaim?: { claimName: string };
}

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number };
}

/** A workload's pod template with what owns it. */
export interface Workload {
  manifest: Manifest;
  pod: PodSpec;
  /** An Indexed Job's completions, else null. */
  indexed: number | null;
}

/** The annotation an Indexed Job's pod carries its index in, and Kubernetes sets JOB_COMPLETION_INDEX from. */
export const INDEX_FIELD = "metadata.annotations['batch.kubernetes.io/job-completion-index']";

export function loadManifests(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of readdirSync(K8S_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as Omit<Manifest, 'file'> | null;
      if (value !== null) out.push({ file, ...value });
    }
  }
  return out;
}

export function workloads(manifests: readonly Manifest[]): Workload[] {
  return manifests.flatMap((m): Workload[] => {
    if (m.kind !== 'Job' && m.kind !== 'StatefulSet') return [];
    const spec = m.spec as { template: { spec: PodSpec }; completionMode?: string; completions?: number };
    const indexed = m.kind === 'Job' && spec.completionMode === 'Indexed' ? (spec.completions ?? 1) : null;
    return [{ manifest: m, pod: spec.template.spec, indexed }];
  });
}

export function byName(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (m === undefined) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return m;
}

/** Kubernetes' expansion of `$(VAR)` in command and args: defined variables only, `$$` an escaped `$`. */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string | undefined) =>
    name === undefined ? '$' : Object.hasOwn(env, name) ? env[name]! : whole,
  );
}

/** The `$(VAR)` names an arg refers to. */
export const varRefs = (text: string): string[] =>
  [...text.replace(/\$\$/g, '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!);

/** A container's env as Kubernetes resolves it in pod `index` of an Indexed Job (null: not indexed). */
export function resolveEnv(
  c: Container,
  index: number | null,
  secrets: Readonly<Record<string, Record<string, string>>>,
): Record<string, string> {
  // Kubernetes adds it to every container of an Indexed Job's pods, from the same annotation.
  const env: Record<string, string> = index === null ? {} : { JOB_COMPLETION_INDEX: String(index) };
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = expandVars(e.value, env);
    else if (e.valueFrom?.fieldRef?.fieldPath === INDEX_FIELD) {
      if (index === null) throw new Error(`${e.name}: the completion index outside an Indexed Job`);
      env[e.name] = String(index);
    } else if (e.valueFrom?.secretKeyRef !== undefined) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const value = secrets[name]?.[key];
      if (value === undefined) throw new Error(`${e.name}: no secret ${name}/${key} given`);
      env[e.name] = value;
    } else throw new Error(`${e.name}: a source the tests do not resolve`);
  }
  return env;
}

/** Each mount path of the container mapped to a local folder: `folders[volume name]`. */
export function mountMap(c: Container, folders: Readonly<Record<string, string>>): Array<[string, string]> {
  return (c.volumeMounts ?? []).map((m) => {
    const local = folders[m.name];
    if (local === undefined) throw new Error(`volume ${m.name}: no local folder given`);
    return [m.mountPath, local];
  });
}

/** `arg` with a leading mount path replaced by its local folder. */
export function localPath(arg: string, mounts: ReadonlyArray<[string, string]>): string {
  for (const [mountPath, local] of mounts)
    if (arg === mountPath || arg.startsWith(`${mountPath}/`)) return local + arg.slice(mountPath.length);
  return arg;
}

/** The image's ENTRYPOINT, from the Dockerfile's exec form. */
export function entrypoint(): string[] {
  const line = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ENTRYPOINT '));
  if (line === undefined) throw new Error('Dockerfile: no ENTRYPOINT');
  return JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
}

export interface PodRun {
  args: string[];
  env: Record<string, string>;
}

/** What pod `index` of a workload runs: its container's args, env resolved, vars expanded, mounts mapped. */
export function podRun(
  w: Workload,
  index: number | null,
  folders: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, Record<string, string>>> = {},
): PodRun {
  const c = w.pod.containers[0]!;
  const env = resolveEnv(c, index, secrets);
  const mounts = mountMap(c, folders);
  return { args: (c.args ?? []).map((a) => localPath(expandVars(a, env), mounts)), env };
}

function withoutIndex(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.JOB_COMPLETION_INDEX;
  return rest;
}

/** Starts a pod's container as a process: the image's ENTRYPOINT (node from here) with its args and env. */
export function startPod(run: PodRun, opts: { uid?: number; gid?: number } = {}): ChildProcess {
  const [node, ...rest] = entrypoint();
  if (node !== 'node') throw new Error(`ENTRYPOINT starts with ${node}, not node`);
  return spawn(process.execPath, [...rest, ...run.args], {
    cwd: ROOT,
    // The pod's env on top of this process's, less an index this process may carry (Kubernetes sets
    // one only in an Indexed Job's pods).
    env: { ...withoutIndex(process.env), ...run.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
}

/** Runs a pod's container to its end (startPod), collecting its output. */
export function runPod(run: PodRun, opts: { uid?: number; gid?: number; timeoutMs?: number } = {}): Promise<Ran> {
  return finish(startPod(run, opts), opts.timeoutMs ?? 120_000);
}

/** The uid (and gid) of the image's USER, from the Dockerfile. */
export function imageUser(): number {
  return Number(/^USER (\d+):/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]);
}

/**
 * Whether a user who is neither owner nor group of the checkout (the image's user) can reach it:
 * every folder from / down to it searchable by others. A checkout under a mkdtemp folder (0700) is
 * not, and a process started as that user could not even load tsx.
 */
function reachableByOthers(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (dirname(d) === d) return true;
  }
}

let warned = false;

/**
 * The image's user when this process may become it (as root) and that user can reach the checkout,
 * else this process's own (saying why once): for runPod.
 */
export function podUser(): { uid?: number; gid?: number } {
  const uid = imageUser();
  if (process.getuid?.() !== 0) return {};
  if (!reachableByOthers(ROOT)) {
    if (!warned)
      console.warn(`pods run as this user, not uid ${uid}: a folder above ${ROOT} is not searchable by others`);
    warned = true;
    return {};
  }
  return { uid, gid: uid };
}

/**
 * Local folders for the pods' two volumes, in a temporary folder (removeTempDirs removes it):
 * `scenarios`, the ConfigMap's files written out, and `data`, the claim, the pods' user's to write
 * (fsGroup), as is what leads to it.
 */
export function podFolders(manifests: readonly Manifest[]): { scenarios: string; data: string } {
  const root = tempDir();
  // mkdtemp makes it 0700: the pods' user must reach the folders inside.
  chmodSync(root, 0o755);
  const scenarios = join(root, 'scenarios');
  const data = join(root, 'data');
  mkdirSync(scenarios);
  mkdirSync(data);
  for (const [name, text] of Object.entries(byName(manifests, 'ConfigMap', 'rtb-scenarios').data ?? {}))
    writeFileSync(join(scenarios, name), text);
  const user = podUser();
  if (user.uid !== undefined) chownSync(data, user.uid, user.uid);
  return { scenarios, data };
}
