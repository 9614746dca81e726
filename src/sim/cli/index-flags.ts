// A pair of flags that pick one share of some work: `--segment I/N` or `--shard I/N` names the share
// outright, and `--segments N` or `--shards N` takes I from JOB_COMPLETION_INDEX, which Kubernetes
// sets in each pod of an Indexed Job. I counts from 0, as Kubernetes counts. The variable alone,
// without the count flag, is never acted on, so a pod of some other Job that happens to carry it
// runs the whole of its work. Pure: the caller reads the flags and the environment, and exits 2 with
// the message.

/** The environment variable Kubernetes sets in each pod of an Indexed Job. */
export const JOB_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** Which flags a command spells its share with, what a share is called there, and how many it may have. */
export interface IndexFlags {
  /** The flag taking I/N, as `--segment`. */
  one: string;
  /** The flag taking N, with I from JOB_COMPLETION_INDEX, as `--segments`. */
  many: string;
  /** What one share is called in the messages, as `segment`. */
  noun: string;
  /** The largest count either flag accepts. */
  max: number;
}

/** Share `index` of `count`, counted from 0. */
export interface IndexOf {
  index: number;
  count: number;
}

export type IndexFlagsResult = { ok: true; share: IndexOf | null } | { ok: false; message: string };

// Plain decimal only: a sign, a leading zero, a fraction or hex would each be a guess at what was meant.
const INTEGER = /^(?:0|[1-9]\d*)$/;
const shown = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * The share the flags ask for, null when neither is given, or the message naming the flag (or the
 * variable) at fault, what it must be, and what was given.
 */
export function parseIndexFlags(
  spec: IndexFlags,
  given: { one: string | undefined; many: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): IndexFlagsResult {
  const { one, many, noun, max } = spec;
  const bad = (message: string): IndexFlagsResult => ({ ok: false, message });
  const count = (flag: string, text: string, got: string): number | string => {
    const n = INTEGER.test(text) ? Number(text) : NaN;
    if (n >= 1 && n <= max) return n;
    return `${flag}: the count of ${noun}s must be an integer from 1 to ${max} (got ${shown(got)})`;
  };
  const index = (what: string, text: string, n: number, got: string): IndexFlagsResult => {
    const i = INTEGER.test(text) ? Number(text) : NaN;
    if (i >= 0 && i < n) return { ok: true, share: { index: i, count: n } };
    return bad(`${what}: the ${noun} index must be an integer from 0 to ${n - 1}, counted from 0 (got ${shown(got)})`);
  };

  if (given.one !== undefined && given.many !== undefined)
    return bad(`${one} and ${many}: give one (${one} I/N, or ${many} N with ${JOB_INDEX_ENV} set)`);
  if (given.one !== undefined) {
    const m = /^(.*)\/(.*)$/.exec(given.one);
    if (m === null)
      return bad(`${one}: must be I/N, ${noun} I of N counted from 0, as 0/2 and 1/2 (got ${shown(given.one)})`);
    const n = count(one, m[2]!, given.one);
    return typeof n === 'string' ? bad(n) : index(one, m[1]!, n, given.one);
  }
  if (given.many === undefined) return { ok: true, share: null };
  const n = count(many, given.many, given.many);
  if (typeof n === 'string') return bad(n);
  const from = env[JOB_INDEX_ENV];
  if (from === undefined)
    return bad(
      `${many}: needs ${JOB_INDEX_ENV} in the environment, as a Kubernetes Indexed Job sets it (or give ${one} I/N)`,
    );
  return index(`${JOB_INDEX_ENV} (with ${many} ${n})`, from, n, from);
}
