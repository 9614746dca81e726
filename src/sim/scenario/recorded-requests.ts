// Recorded BidRequests (issue 17 item 5): a JSON Lines file, one OpenRTB request a line, sent in
// place of the generated ones with the auction's own id and tmax and everything else as recorded
// (impressions, sizes, floors, site or app, device, user). Each line is checked when the scenario is
// validated, so a bad one stops the run (exit 2) with its line number; the parsed requests are kept
// by file (checked again only if the file changes), so the run itself reads nothing.

import { statSync } from 'node:fs';
import type { BidRequest, Imp } from '../../protocol/openrtb.js';
import { bidRequestFrom } from '../../protocol/parse.js';
import { isAbsolute, resolve } from 'node:path';
import { checkKeys, issue, isRecord, mustBe, readEnum, required, type Issue, type Raw } from '../../lib/issues.js';
import type { RequestsSpec } from './schema.js';
import { readTextUpTo } from './bounded-read.js';
import { placeJsonError } from './json-error.js';
import { LIMITS } from './limits.js';

/** A request as recorded, without what each auction sets (`id`, `tmax`, `at`). */
export type RecordedRequest = Omit<BidRequest, 'id' | 'tmax' | 'at'>;

/** The most bad lines reported: past that, one issue says how many more there were. */
const MAX_BAD_LINES = 20;
/** As auction.impressions: the most impressions one request may carry. */
const MAX_IMPS = 100;

type Loaded = { ok: true; requests: RecordedRequest[] } | { ok: false; issues: Issue[] };

/**
 * One impression, normalised as the exchange and the bidder host need it: OpenRTB's defaults filled
 * (`bidfloor` 0, `bidfloorcur` USD), and a banner given only by `format` sized by its first entry
 * (the format list kept). The reason it cannot be, else.
 */
function normaliseImp(value: unknown, at: string): Imp | string {
  if (!isRecord(value)) return `${at}: must be an object`;
  const imp: Raw = { ...value };
  imp.bidfloor ??= 0;
  imp.bidfloorcur ??= 'USD';
  if (imp.bidfloorcur !== 'USD') {
    return `${at}.bidfloorcur: must be USD, the exchange's currency (got ${JSON.stringify(imp.bidfloorcur)}); floors are not converted`;
  }
  const banner = imp.banner;
  if (isRecord(banner) && (banner.w === undefined || banner.h === undefined)) {
    const first: unknown = Array.isArray(banner.format) ? banner.format[0] : undefined;
    if (!isRecord(first)) return `${at}.banner: needs w and h, or a format list to take them from`;
    imp.banner = { ...banner, w: banner.w ?? first.w, h: banner.h ?? first.h };
  }
  return imp as unknown as Imp;
}

/** A line's request, normalised and checked as the bidder host will check it; the reason it is not one, else. */
export function recordedRequest(value: unknown): RecordedRequest | string {
  if (!isRecord(value)) return 'must be a JSON object (a BidRequest)';
  const imps = value.imp;
  if (!Array.isArray(imps) || imps.length === 0) return 'imp: must be a non-empty array';
  if (imps.length > MAX_IMPS) return `imp: must hold at most ${MAX_IMPS} impressions (got ${imps.length})`;
  const imp: Imp[] = [];
  for (let i = 0; i < imps.length; i++) {
    const one = normaliseImp(imps[i], `imp[${i}]`);
    if (typeof one === 'string') return one;
    imp.push(one);
  }
  const cur: unknown = value.cur ?? ['USD'];
  if (!Array.isArray(cur) || !cur.includes('USD')) {
    return `cur: must include USD, the currency bids are taken in (got ${JSON.stringify(cur)})`;
  }
  const { id: _id, tmax: _tmax, at: _at, ...rest } = value;
  const request = { ...rest, imp, cur } as RecordedRequest;
  // What the bidder host will ask of it, with the fields each auction sets in place.
  const checked = bidRequestFrom({ ...request, id: 'recorded', tmax: 0, at: 1 });
  return checked.ok ? request : checked.reason.replace(/^request\./, '');
}

/** Every request of a JSON Lines text (blank lines skipped), or the issues of its bad lines at `where`. */
export function parseRecordedRequests(text: string, where: string): Loaded {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines.length > LIMITS.requestsLines) {
    const message = `must hold at most ${LIMITS.requestsLines.toLocaleString('en-US')} lines, the limit (got ${lines.length.toLocaleString('en-US')})`;
    return { ok: false, issues: [issue(where, 'SCN_ERR_TOO_LARGE', message)] };
  }
  const requests: RecordedRequest[] = [];
  const issues: Issue[] = [];
  let bad = 0;
  const fail = (code: Issue['code'], message: string): void => {
    if (++bad <= MAX_BAD_LINES) issues.push(issue(where, code, message));
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const n = i + 1;
    if (line.trim() === '') continue;
    if (Buffer.byteLength(line) > LIMITS.requestLineBytes) {
      fail(
        'SCN_ERR_TOO_LARGE',
        `line ${n}: must be at most ${LIMITS.requestLineBytes.toLocaleString('en-US')} bytes, the limit`,
      );
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const place = placeJsonError(line, error);
      fail('SCN_ERR_BAD_LINE', `line ${n}, column ${place.column}: not JSON (${place.reason})`);
      continue;
    }
    const request = recordedRequest(value);
    if (typeof request === 'string') fail('SCN_ERR_BAD_LINE', `line ${n}: ${request}`);
    else requests.push(request);
  }
  if (bad > MAX_BAD_LINES)
    issues.push(issue(where, 'SCN_ERR_BAD_LINE', `... and ${bad - MAX_BAD_LINES} more bad lines`));
  if (issues.length > 0) return { ok: false, issues };
  if (requests.length === 0) return { ok: false, issues: [issue(where, 'SCN_ERR_EMPTY', 'holds no requests')] };
  return { ok: true, requests };
}

/** Files read, by absolute path, with the size and time they had: read again only when either changes. */
const cache = new Map<string, { size: number; mtimeMs: number; loaded: Loaded }>();

/** The requests of the file at `file` (an absolute path), read and checked once while it is unchanged. */
export function loadRecordedRequests(file: string, where: string): Loaded {
  let stamp: { size: number; mtimeMs: number } | null = null;
  try {
    const st = statSync(file);
    stamp = { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    // Left to the read below, which says why in the words every file issue uses.
  }
  const hit = cache.get(file);
  if (stamp !== null && hit !== undefined && hit.size === stamp.size && hit.mtimeMs === stamp.mtimeMs) {
    return hit.loaded.ok ? hit.loaded : { ok: false, issues: hit.loaded.issues.map((i) => ({ ...i, path: where })) };
  }
  const read = readTextUpTo(file, LIMITS.requestsFileBytes, '64 MiB');
  const loaded: Loaded = read.ok
    ? parseRecordedRequests(read.text, where)
    : { ok: false, issues: [issue(where, read.code, `${read.message}: ${file}`)] };
  if (stamp !== null) cache.set(file, { ...stamp, loaded });
  return loaded;
}

/** For a run: the requests of a file validation has already accepted (it throws if that changed). */
export function recordedRequests(file: string): RecordedRequest[] {
  const loaded = loadRecordedRequests(file, 'requests.file');
  if (!loaded.ok) throw new Error(`requests.file ${file}: ${loaded.issues.map((i) => i.message).join('; ')}`);
  return loaded.requests;
}

const REQUESTS_KEYS = ['file', 'order'] as const;

/**
 * The scenario's `requests`: `{ file, order }`, the file relative to `dir` (the scenario file's
 * folder) and made absolute, read and checked line by line now (issues at `requests.file`).
 */
export function checkRequests(value: unknown, dir: string, issues: Issue[]): RequestsSpec | undefined {
  if (!isRecord(value)) {
    issues.push(mustBe('requests', 'SCN_ERR_WRONG_TYPE', 'an object with a "file"', value));
    return undefined;
  }
  checkKeys(value, REQUESTS_KEYS, 'requests', issues);
  const order = readEnum(value, 'order', ['sequential', 'sample'], 'sequential', 'requests', issues);
  const file = value.file;
  if (file === undefined) {
    issues.push(required('requests.file', 'a JSON Lines file of BidRequests, relative to the scenario file'));
    return undefined;
  }
  if (typeof file !== 'string' || file.length === 0 || file.length > 4096) {
    issues.push(mustBe('requests.file', 'SCN_ERR_BAD_FORMAT', 'a file path of 1 to 4096 characters', file));
    return undefined;
  }
  const absolute = isAbsolute(file) ? file : resolve(dir, file);
  const loaded = loadRecordedRequests(absolute, 'requests.file');
  if (!loaded.ok) issues.push(...loaded.issues);
  return order === undefined ? undefined : { file: absolute, order };
}
