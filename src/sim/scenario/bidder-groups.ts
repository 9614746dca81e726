// Bidder groups: their validation and their expansion into leaves. A local group with count n makes
// leaves name-1 … name-n (count 1 included, so a leaf's name never changes when a count does); an
// external group is one leaf named like the group. Leaf names are URL paths on the bidder host and
// keys in the report, so they must be unique across the whole scenario.

import type { CapacitySpec } from '../../bidders/capacity.js';
import type { BidSpec, FaultSpec, LatencySpec, LeafConfig } from '../../bidders/config.js';
import { validateHostileSpec, type HostileSpec } from '../../bidders/hostile.js';
import {
  FRACTION,
  NON_NEGATIVE,
  POSITIVE,
  checkKeys,
  integerIn,
  isRecord,
  issue,
  mustBe,
  notNonEmptyArray,
  outOfOrder,
  readEnum,
  readField,
  readNumber,
  readObject,
  shown,
  upTo,
  type Issue,
  type NumberRule,
  type Raw,
} from '../../lib/issues.js';
import { validateLatencySpec } from '../../bidders/latency-models.js';
import { validatePriceSpec } from '../../bidders/price-models.js';
import { readGroupName } from './fields.js';
import { readQps } from './policies.js';
import { resolveLatencyFiles } from './measured-files.js';
import { LIMITS } from './limits.js';
import {
  DEFAULTS,
  fresh,
  isExternal,
  transportOf,
  type AuctionSpec,
  type BidderGroup,
  type BidderHosts,
  type ExternalGroup,
  type GroupDeadlines,
  type LocalGroup,
  type Scenario,
} from './schema.js';

const DEADLINE_KEYS = ['deadlineMs', 'toldDeductionMs', 'toldShare', 'minBidderMs', 'secondary'] as const;
const LOCAL_KEYS = [
  'name',
  'count',
  'latency',
  'bid',
  'faults',
  'capacity',
  'hostile',
  'token',
  'qps',
  'hosts',
  'transport',
  'gzip',
  'requestCostMs',
  ...DEADLINE_KEYS,
] as const;
const DNS_HOSTS_KEYS = ['dns', 'count', 'port', 'statefulSet'] as const;
const EXTERNAL_KEYS = ['name', 'url', 'token', 'qps', 'gzip', ...DEADLINE_KEYS] as const;
/** A URL longer than this is not a bidder's endpoint (browsers and servers stop near 8 KB). */
export const MAX_URL_CHARS = 2048;
/** A share of the time a group is told: more than nothing, at most all of it. */
const SHARE: NumberRule = { above: 0, max: 1, expected: 'a number above 0 and at most 1' };
/** Printable ASCII without spaces: it goes into an HTTP header, so no CR/LF can ride along. */
const TOKEN = /^[!-~]{1,200}$/;
const BID_KEYS = ['rate', 'price', 'shade', 'respectTmax'] as const;
const CAPACITY_KEYS = ['concurrency', 'queue'] as const;
const FAULT_KEYS = ['timeout', 'malformed', 'disconnect'] as const;
/** A group's count: one group may make every leaf a process allows. */
export const MAX_COUNT = LIMITS.leaves;

/** Float sums such as 0.1 + 0.2 + 0.7 land a hair above 1; that is not a mistake by the user. */
const SUM_TOLERANCE = 1e-9;

/** How an HTTP leaf is called; absent on a leaf called over WebSocket. */
export interface HttpLeaf {
  gzip: boolean;
  /** Virtual mode: milliseconds each request costs beyond the network. */
  requestCostMs: number;
}

export type Leaf =
  /** `host`: the ws://host:port of the bidder host serving it, when its group names `hosts`. */
  | { kind: 'local'; config: LeafConfig; token?: string; host?: string; http?: HttpLeaf }
  | { kind: 'external'; name: string; group: string; url: string; token?: string; http?: HttpLeaf };

/** The HTTP settings of a group's leaves, or undefined when they are called over WebSocket. */
function httpOf(group: BidderGroup): HttpLeaf | undefined {
  if (transportOf(group) !== 'http') return undefined;
  return { gzip: group.gzip === true, requestCostMs: isExternal(group) ? 0 : (group.requestCostMs ?? 0) };
}

/** The leaves of a validated scenario, each with its own copy of its group's profile. */
export function expandLeaves(s: Scenario): Leaf[] {
  const leaves: Leaf[] = [];
  for (const group of s.bidders) {
    const http = httpOf(group);
    if (isExternal(group)) {
      const leaf: Leaf = { kind: 'external', name: group.name, group: group.name, url: group.url };
      if (group.token !== undefined) leaf.token = group.token;
      if (http !== undefined) leaf.http = http;
      leaves.push(leaf);
      continue;
    }
    const hosts = group.hosts === undefined ? null : hostUrls(group.hosts);
    for (let k = 1; k <= group.count; k++) {
      const config: LeafConfig = {
        name: `${group.name}-${k}`,
        group: group.name,
        latency: structuredClone(group.latency),
        bid: structuredClone(group.bid),
        faults: { ...group.faults },
      };
      if (group.capacity != null) config.capacity = { ...group.capacity };
      if (group.hostile !== undefined) config.hostile = { ...group.hostile };
      const leaf: Leaf = { kind: 'local', config };
      if (group.token !== undefined) leaf.token = group.token;
      // Dealt out in turn: leaf k to host (k − 1) mod H.
      if (hosts !== null) leaf.host = hosts[(k - 1) % hosts.length]!;
      if (http !== undefined) leaf.http = { ...http };
      leaves.push(leaf);
    }
  }
  return leaves;
}

/**
 * The ws://host:port of each bidder host `hosts` names, without a trailing slash: a list as given, or
 * a headless Service's StatefulSet pods `<statefulSet>-<i>.<dns>` for i from 0 to count − 1.
 */
export function hostUrls(hosts: BidderHosts): string[] {
  if (Array.isArray(hosts)) return hosts.map((h) => h.replace(/\/+$/, ''));
  const set = hosts.statefulSet ?? hosts.dns.split('.')[0]!;
  return Array.from({ length: hosts.count }, (_, i) => `ws://${set}-${i}.${hosts.dns}:${hosts.port}`);
}

/** One DNS label (RFC 1123, as Kubernetes names are): lower-case letters, digits and inner hyphens. */
const LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** A pod name as a message shows it. */
const clipName = (name: string): string => (name.length > 70 ? `${name.slice(0, 67)}...` : name);
/** The longest DNS name. */
const MAX_DNS = 253;

/** Whether `text` is a ws:// or wss:// address of a host and port, with no path, query or credentials. */
function isHostAddress(text: string): boolean {
  try {
    const u = new URL(text);
    const bare = u.username === '' && u.password === '' && u.search === '' && u.hash === '';
    return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.pathname === '/' && bare && u.hostname !== '';
  } catch {
    return false;
  }
}

function checkHostList(list: unknown[], path: string, issues: Issue[]): string[] | undefined {
  if (list.length === 0 || list.length > LIMITS.hosts) {
    const code = list.length === 0 ? 'SCN_ERR_EMPTY' : 'SCN_ERR_TOO_LARGE';
    issues.push(issue(path, code, `must list 1 to ${LIMITS.hosts} bidder hosts (got ${list.length})`));
    return undefined;
  }
  const before = issues.length;
  const seen = new Map<string, number>();
  list.forEach((h, i) => {
    if (typeof h !== 'string' || !isHostAddress(h)) {
      issues.push(
        mustBe(`${path}[${i}]`, 'SCN_ERR_BAD_FORMAT', 'a ws://host:port or wss://host:port address with no path', h),
      );
      return;
    }
    const key = h.replace(/\/+$/, '');
    const first = seen.get(key);
    if (first !== undefined) issues.push(issue(`${path}[${i}]`, 'SCN_ERR_DUPLICATE', `is ${path}[${first}] again`));
    else seen.set(key, i);
  });
  return issues.length === before ? (list as string[]) : undefined;
}

function checkDnsHosts(raw: Raw, path: string, issues: Issue[]): BidderHosts | undefined {
  checkKeys(raw, DNS_HOSTS_KEYS, path, issues);
  const before = issues.length;
  const dns = raw.dns;
  const labels = typeof dns === 'string' ? dns.split('.') : [];
  if (typeof dns !== 'string' || dns.length > MAX_DNS || !labels.every((l) => LABEL.test(l)))
    issues.push(mustBe(`${path}.dns`, 'SCN_ERR_BAD_FORMAT', 'a DNS name (lower-case labels, dots between)', dns));
  const count = readNumber(raw, 'count', integerIn(1, LIMITS.hosts), undefined, path, issues);
  const port = readNumber(raw, 'port', integerIn(1, 65535), undefined, path, issues);
  // A pod's name, <statefulSet>-<i>, is one DNS label: the longest is that of the last pod.
  const given = raw.statefulSet !== undefined;
  const set = given ? raw.statefulSet : labels[0];
  const last = `${typeof set === 'string' ? set : ''}-${(count ?? 1) - 1}`;
  if ((given || issues.length === before) && (typeof set !== 'string' || !LABEL.test(last))) {
    const expected = `a StatefulSet name whose pods' names (${clipName(last)}) are DNS labels of at most 63 characters`;
    issues.push(mustBe(`${path}.${given ? 'statefulSet' : 'dns'}`, 'SCN_ERR_BAD_FORMAT', expected, set));
  }
  if (issues.length > before) return undefined;
  const hosts: BidderHosts = { dns: dns as string, count: count!, port: port! };
  if (raw.statefulSet !== undefined) hosts.statefulSet = raw.statefulSet as string;
  return hosts;
}

/** A local group's optional `hosts`, checked; undefined when absent or wrong. */
function checkHosts(raw: Raw, path: string, issues: Issue[]): BidderHosts | undefined {
  const value = raw.hosts;
  const at = `${path}.hosts`;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return checkHostList(value, at, issues);
  if (isRecord(value)) return checkDnsHosts(value, at, issues);
  const expected = 'a list of ws://host:port addresses, or { "dns", "count", "port" }';
  issues.push(mustBe(at, 'SCN_ERR_WRONG_TYPE', expected, value));
  return undefined;
}

/**
 * A latency model, valid in shape, with its files read (`hgrm`, `samples`: relative to `dir`) into
 * `table` models; used only once issues are empty, when validateLatencySpec has vouched for the shape.
 */
export function checkLatency(value: unknown, path: string, dir: string, issues: Issue[]): LatencySpec {
  const found = validateLatencySpec(value, path);
  issues.push(...found);
  return found.length === 0 ? resolveLatencyFiles(value as LatencySpec, path, dir, issues) : (value as LatencySpec);
}

function checkBid(raw: Raw, path: string, issues: Issue[]): BidSpec {
  checkKeys(raw, BID_KEYS, path, issues);
  const d = fresh<BidSpec>(DEFAULTS.group.bid);
  const rate = readNumber(raw, 'rate', FRACTION, d.rate, path, issues);
  const shade = readNumber(raw, 'shade', POSITIVE, d.shade, path, issues);
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  const respectTmax = readField(
    raw,
    'respectTmax',
    isBoolean,
    'true or false',
    'SCN_ERR_WRONG_TYPE',
    false,
    path,
    issues,
  );
  let price = d.price;
  if (raw.price !== undefined) {
    issues.push(...validatePriceSpec(raw.price, `${path}.price`));
    price = raw.price as BidSpec['price'];
  }
  const bid: BidSpec = { rate: rate ?? d.rate, price, shade: shade ?? d.shade };
  // Written, it stays (so a sweep can name it); absent, it stays absent (false).
  if (raw.respectTmax !== undefined && respectTmax !== undefined) bid.respectTmax = respectTmax;
  return bid;
}

/** A group's `capacity`: null (written so, unlimited) or its two bounds; undefined when wrong. */
function checkCapacity(value: unknown, path: string, issues: Issue[]): CapacitySpec | null | undefined {
  if (value === null) return null;
  if (!isRecord(value)) {
    issues.push(mustBe(path, 'SCN_ERR_WRONG_TYPE', 'an object { concurrency, queue }, or null', value));
    return undefined;
  }
  checkKeys(value, CAPACITY_KEYS, path, issues);
  const concurrency = readNumber(value, 'concurrency', integerIn(1, LIMITS.concurrency), undefined, path, issues);
  const queue = readNumber(value, 'queue', integerIn(0, LIMITS.queue), 0, path, issues);
  return concurrency === undefined || queue === undefined ? undefined : { concurrency, queue };
}

function checkFaults(raw: Raw, path: string, issues: Issue[]): FaultSpec {
  checkKeys(raw, FAULT_KEYS, path, issues);
  const d = DEFAULTS.group.faults;
  const timeout = readNumber(raw, 'timeout', FRACTION, d.timeout, path, issues);
  const malformed = readNumber(raw, 'malformed', FRACTION, d.malformed, path, issues);
  const disconnect = readNumber(raw, 'disconnect', FRACTION, d.disconnect, path, issues);
  if (timeout !== undefined && malformed !== undefined && disconnect !== undefined) {
    // Each request meets at most one fault, so the shares partition the requests.
    const sum = timeout + malformed + disconnect;
    if (sum > 1 + SUM_TOLERANCE) {
      issues.push(issue(path, 'SCN_ERR_BAD_SUM', `timeout + malformed + disconnect must be at most 1 (got ${sum})`));
    }
  }
  return { timeout: timeout ?? 0, malformed: malformed ?? 0, disconnect: disconnect ?? 0 };
}

/** The optional `token` of a group, checked; undefined when absent or wrong. */
function checkToken(raw: Raw, path: string, issues: Issue[]): string | undefined {
  const token = raw.token;
  if (token === undefined) return undefined;
  if (typeof token === 'string' && TOKEN.test(token)) return token;
  // The value itself is a secret: say what is wrong without echoing it.
  const got = typeof token === 'string' ? `a string of ${token.length}` : shown(token);
  const message = `must be 1 to 200 printable ASCII characters without spaces (got ${got})`;
  issues.push(issue(`${path}.token`, 'SCN_ERR_BAD_FORMAT', message));
  return undefined;
}

function checkHostile(
  raw: Raw,
  path: string,
  mode: Scenario['mode'] | undefined,
  issues: Issue[],
): HostileSpec | undefined {
  if (raw.hostile === undefined) return undefined;
  const found = validateHostileSpec(raw.hostile, `${path}.hostile`);
  issues.push(...found);
  if (mode === 'virtual') {
    const message = 'hostile bidders need live mode (they misbehave on real sockets)';
    issues.push(issue(`${path}.hostile`, 'SCN_ERR_CONFLICT', message));
  }
  return found.length === 0 ? (raw.hostile as HostileSpec) : undefined;
}

/**
 * A group's own deadline terms (GroupDeadlines), each checked on its own; absent ones stay absent.
 * How they stand against the auction's tmax is checkGroupDeadlines', once the auction is read.
 */
function readDeadlines(raw: Raw, path: string, issues: Issue[], into: GroupDeadlines): void {
  if (raw.deadlineMs !== undefined) {
    const v = readNumber(raw, 'deadlineMs', upTo(POSITIVE, LIMITS.tmaxMs), 0, path, issues);
    if (v !== undefined) into.deadlineMs = v;
  }
  if (raw.toldDeductionMs !== undefined) {
    const v = readNumber(raw, 'toldDeductionMs', upTo(NON_NEGATIVE, LIMITS.tmaxMs), 0, path, issues);
    if (v !== undefined) into.toldDeductionMs = v;
  }
  if (raw.toldShare !== undefined) {
    const v = readNumber(raw, 'toldShare', SHARE, 1, path, issues);
    if (v !== undefined) into.toldShare = v;
  }
  if (raw.toldDeductionMs !== undefined && raw.toldShare !== undefined) {
    const message = 'cannot be given together with toldDeductionMs; tell a group less by one or the other';
    issues.push(issue(`${path}.toldShare`, 'SCN_ERR_CONFLICT', message));
  }
  if (raw.minBidderMs !== undefined) {
    const v = readNumber(raw, 'minBidderMs', upTo(NON_NEGATIVE, LIMITS.tmaxMs), 0, path, issues);
    if (v !== undefined) into.minBidderMs = v;
  }
  const secondary = raw.secondary;
  if (secondary !== undefined) {
    if (typeof secondary === 'boolean') into.secondary = secondary;
    else issues.push(mustBe(`${path}.secondary`, 'SCN_ERR_WRONG_TYPE', 'true or false', secondary));
  }
}

/**
 * The groups' deadline terms against the auction: a group's `deadlineMs` at most `tmaxMs`, and its
 * `minBidderMs` (its own or the auction's) at most the most it is ever told (its deadline less the
 * allowance, times `toldShare`, less `toldDeductionMs`), or every leaf of the group would be skipped. Groups and auction are otherwise valid.
 */
export function checkGroupDeadlines(groups: readonly BidderGroup[], auction: AuctionSpec, issues: Issue[]): void {
  groups.forEach((g, i) => {
    const path = `bidders[${i}]`;
    const deadlineMs = g.deadlineMs ?? auction.tmaxMs;
    if (g.deadlineMs !== undefined && g.deadlineMs > auction.tmaxMs) {
      issues.push(outOfOrder(`${path}.deadlineMs`, `at most auction.tmaxMs (${auction.tmaxMs}) (got ${g.deadlineMs})`));
      return;
    }
    const share = g.toldShare ?? 1;
    const deduction = g.toldDeductionMs ?? 0;
    if (g.deadlineMs === undefined && g.minBidderMs === undefined && share === 1 && deduction === 0) return;
    const min = g.minBidderMs ?? auction.minBidderMs;
    // The most a leaf of the group is ever told, as the exchange works it out (leaf-plan.ts) for a
    // request accepted this instant.
    const told = Math.floor((deadlineMs - auction.allowanceMs) * share - deduction);
    if (min > told) {
      const at =
        g.minBidderMs !== undefined
          ? `${path}.minBidderMs`
          : g.toldDeductionMs !== undefined
            ? `${path}.toldDeductionMs`
            : g.toldShare !== undefined
              ? `${path}.toldShare`
              : `${path}.deadlineMs`;
      const relation = `such that minBidderMs (${min}) is at most the tmax the group is told (${told}: (deadlineMs - auction.allowanceMs) x toldShare - toldDeductionMs), or every leaf of the group is skipped`;
      issues.push(outOfOrder(at, relation));
    }
  });
}

function checkExternal(raw: Raw, path: string, mode: Scenario['mode'] | undefined, issues: Issue[]): ExternalGroup {
  checkKeys(raw, EXTERNAL_KEYS, path, issues);
  const name = readGroupName(raw, 'name', path, issues);
  const token = checkToken(raw, path, issues);
  const url = checkUrl(raw.url, `${path}.url`, issues);
  const gzip = checkGzip(raw, path, url === undefined || /^https?:/.test(url), 'its URL is ws:// or wss://', issues);
  if (mode === 'virtual') {
    const message = 'external bidders cannot take part in virtual mode (virtual time has no real sockets)';
    issues.push(issue(`${path}.url`, 'SCN_ERR_CONFLICT', message));
  }
  const group: ExternalGroup = { name: name ?? '', url: url ?? '' };
  if (token !== undefined) group.token = token;
  const qps = readQps(raw, path, issues);
  if (qps !== undefined) group.qps = qps;
  if (gzip !== undefined) group.gzip = gzip;
  readDeadlines(raw, path, issues, group);
  return group;
}

function checkLocal(
  raw: Raw,
  path: string,
  mode: Scenario['mode'] | undefined,
  dir: string,
  issues: Issue[],
): LocalGroup {
  checkKeys(raw, LOCAL_KEYS, path, issues);
  const d = DEFAULTS.group;
  const name = readGroupName(raw, 'name', path, issues);
  const count = readNumber(raw, 'count', integerIn(1, MAX_COUNT), d.count, path, issues);
  const latency =
    raw.latency === undefined
      ? fresh<LatencySpec>(DEFAULTS.group.latency)
      : checkLatency(raw.latency, `${path}.latency`, dir, issues);
  const bidRaw = readObject(raw, 'bid', path, issues);
  const bid = bidRaw !== undefined ? checkBid(bidRaw, `${path}.bid`, issues) : fresh<BidSpec>(d.bid);
  const faultsRaw = readObject(raw, 'faults', path, issues);
  const faults = faultsRaw !== undefined ? checkFaults(faultsRaw, `${path}.faults`, issues) : { ...d.faults };
  const group: LocalGroup = { name: name ?? '', count: count ?? 1, latency, bid, faults };
  if (raw.capacity !== undefined) {
    const capacity = checkCapacity(raw.capacity, `${path}.capacity`, issues);
    if (capacity !== undefined) group.capacity = capacity;
  }
  const hostile = checkHostile(raw, path, mode, issues);
  if (hostile !== undefined) group.hostile = hostile;
  const token = checkToken(raw, path, issues);
  if (token !== undefined) group.token = token;
  const qps = readQps(raw, path, issues);
  if (qps !== undefined) group.qps = qps;
  const hosts = checkHosts(raw, path, issues);
  if (hosts !== undefined) group.hosts = hosts;
  const transport = readEnum(raw, 'transport', TRANSPORTS, 'ws', path, issues);
  if (raw.transport !== undefined && transport !== undefined) group.transport = transport;
  const http = transport !== 'ws';
  if (http && hostile !== undefined) {
    const message = 'hostile bidders misbehave on WebSocket only; drop "transport": "http" or "hostile"';
    issues.push(issue(`${path}.transport`, 'SCN_ERR_CONFLICT', message));
  }
  const gzip = checkGzip(raw, path, http, 'its transport is "ws" (set "transport": "http")', issues);
  if (gzip !== undefined) group.gzip = gzip;
  if (raw.requestCostMs !== undefined) {
    const cost = readNumber(raw, 'requestCostMs', upTo(NON_NEGATIVE, LIMITS.latencyMs), 0, path, issues);
    if (!http) {
      const message =
        'applies to HTTP groups only (set "transport": "http"); a WebSocket request has no cost of its own';
      issues.push(issue(`${path}.requestCostMs`, 'SCN_ERR_CONFLICT', message));
    } else if (cost !== undefined) group.requestCostMs = cost;
  }
  readDeadlines(raw, path, issues, group);
  return group;
}

const TRANSPORTS = ['ws', 'http'] as const;
const URL_SCHEMES = ['ws:', 'wss:', 'http:', 'https:'];

/**
 * A bidder's URL: ws(s):// or http(s)://, with a host, at most MAX_URL_CHARS. The URL parser reads
 * `http:host`, `http:/host` and `http:///host` as `http://host/`; they are refused, as a host-less
 * URL is almost surely a typo.
 */
function checkUrl(value: unknown, path: string, issues: Issue[]): string | undefined {
  const expected = 'a ws://, wss://, http:// or https:// URL with a host';
  if (typeof value === 'string' && value.length > MAX_URL_CHARS) {
    issues.push(mustBe(path, 'SCN_ERR_TOO_LARGE', `at most ${MAX_URL_CHARS} characters`, value));
    return undefined;
  }
  let parsed: URL | null = null;
  if (typeof value === 'string') {
    try {
      parsed = new URL(value);
    } catch {
      parsed = null;
    }
  }
  const ok =
    parsed !== null &&
    URL_SCHEMES.includes(parsed.protocol) &&
    parsed.hostname !== '' &&
    /^[a-z]+:\/\/[^/?#\\]/i.test(value as string);
  if (!ok) {
    issues.push(mustBe(path, 'SCN_ERR_BAD_FORMAT', expected, value));
    return undefined;
  }
  return value as string;
}

/** The optional `gzip` flag, which only an HTTP group may set (`allowed`; `why` says why not). */
function checkGzip(raw: Raw, path: string, allowed: boolean, why: string, issues: Issue[]): boolean | undefined {
  if (raw.gzip === undefined) return undefined;
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  const gzip = readField(raw, 'gzip', isBool, 'true or false', 'SCN_ERR_WRONG_TYPE', undefined, path, issues);
  if (gzip === true && !allowed) {
    const message = `applies to HTTP only, and ${why}: WebSocket frames are sent uncompressed`;
    issues.push(issue(`${path}.gzip`, 'SCN_ERR_CONFLICT', message));
    return undefined;
  }
  return gzip;
}

/** Local groups share one bidder host, which checks one token: they must agree on it. */
function checkLocalTokens(groups: readonly (BidderGroup | undefined)[], issues: Issue[]): void {
  let first: { token: string | undefined; i: number } | null = null;
  groups.forEach((group, i) => {
    if (group === undefined || isExternal(group)) return;
    if (first === null) first = { token: group.token, i };
    else if (group.token !== first.token) {
      const message = `must be the same as bidders[${first.i}].token: local groups share one bidder host, which checks one token`;
      issues.push(issue(`bidders[${i}].token`, 'SCN_ERR_CONFLICT', message));
    }
  });
}

function describe(group: BidderGroup): string {
  if (isExternal(group)) return `external bidder "${group.name}"`;
  const last = `${group.name}-${group.count}`;
  const made = group.count === 1 ? last : `${group.name}-1..${last}`;
  return `group "${group.name}" count ${group.count} makes ${made}`;
}

/** One Issue per pair of groups whose names or leaf names clash. Groups with bad names are skipped. */
function checkLeafNames(groups: readonly (BidderGroup | undefined)[], issues: Issue[]): void {
  const groupOwner = new Map<string, number>();
  const leafOwner = new Map<string, number>();
  groups.forEach((group, i) => {
    if (group === undefined || group.name === '') return;
    const path = `bidders[${i}].name`;
    const sameName = groupOwner.get(group.name);
    if (sameName !== undefined) {
      issues.push(
        issue(path, 'SCN_ERR_DUPLICATE', `group name "${group.name}" is already used by bidders[${sameName}]`),
      );
      return;
    }
    groupOwner.set(group.name, i);
    const reported = new Set<number>();
    const names = isExternal(group)
      ? [group.name]
      : Array.from({ length: group.count }, (_, k) => `${group.name}-${k + 1}`);
    for (const leaf of names) {
      const owner = leafOwner.get(leaf);
      if (owner === undefined) {
        leafOwner.set(leaf, i);
      } else if (!reported.has(owner)) {
        reported.add(owner);
        const other = groups[owner] as BidderGroup;
        const message = `leaf name "${leaf}" clashes with bidders[${owner}] (${describe(other)}); leaf names must be unique`;
        issues.push(issue(path, 'SCN_ERR_DUPLICATE', message));
      }
    }
  });
}

/**
 * The bidder groups at `value` (absent → DEFAULTS.bidders), checked whole; only trusted with no issues.
 * Latency files are read relative to `dir`.
 */
export function checkBidders(
  value: unknown,
  mode: Scenario['mode'] | undefined,
  issues: Issue[],
  dir = '.',
): BidderGroup[] {
  if (value === undefined) return fresh<BidderGroup[]>(DEFAULTS.bidders);
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(notNonEmptyArray('bidders', 'bidder groups', value));
    return [];
  }
  // Each group makes at least one leaf: more groups than leaves allowed cannot pass, so the array is
  // refused whole rather than read entry by entry.
  if (value.length > LIMITS.leaves) {
    const message = `must hold at most ${LIMITS.leaves} groups: each makes a leaf, and ${LIMITS.leaves} leaves is the limit (got ${value.length})`;
    issues.push(issue('bidders', 'SCN_ERR_TOO_LARGE', message));
    return [];
  }
  const before = issues.length;
  const groups = value.map((raw: unknown, i): BidderGroup | undefined => {
    const path = `bidders[${i}]`;
    if (!isRecord(raw)) {
      issues.push(mustBe(path, 'SCN_ERR_WRONG_TYPE', 'an object', raw));
      return undefined;
    }
    return 'url' in raw ? checkExternal(raw, path, mode, issues) : checkLocal(raw, path, mode, dir, issues);
  });
  checkLocalTokens(groups, issues);
  // A bad count would make a misleading clash message; name clashes wait for clean groups.
  const countsOk = !issues.slice(before).some((issue) => issue.path.endsWith('.count'));
  if (countsOk) checkLeafNames(groups, issues);
  return groups.filter((g): g is BidderGroup => g !== undefined);
}
