// Realistic OpenRTB 2.6 bid requests for the exchange to send. Everything a request varies in (site,
// device, user, ad sizes) is drawn from a seeded stream, so virtual runs repeat exactly. Domains are
// reserved `.example` names and addresses are from the 192.0.2.0/24 documentation range, so nothing
// generated points at a real party.

import { nanoid } from 'nanoid';
import type { Banner, BidRequest, Device, Site } from '../../protocol/openrtb.js';
import { recordedRequests, type RecordedRequest } from '../scenario/recorded-requests.js';
import type { RequestsSpec, Scenario } from '../scenario/schema.js';

/** The commonest IAB display sizes: medium rectangle, leaderboard, mobile banner, skyscraper. */
const SIZES: readonly Banner[] = [
  { w: 300, h: 250 },
  { w: 728, h: 90 },
  { w: 320, h: 50 },
  { w: 160, h: 600 },
];

const SITES = [
  ['news', 'politics', 'IAB12'],
  ['sports', 'football', 'IAB17'],
  ['recipes', 'dinner', 'IAB8'],
  ['autos', 'reviews', 'IAB2'],
  ['travel', 'city-guides', 'IAB20'],
  ['tech', 'gadgets', 'IAB19'],
  ['finance', 'markets', 'IAB13'],
  ['weather', 'forecast', 'IAB15'],
] as const;

/** User agents with the OpenRTB devicetype (2 personal computer, 4 phone, 5 tablet) and OS. */
const DEVICES: ReadonlyArray<readonly [ua: string, devicetype: number, os: string]> = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    2,
    'Windows',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    2,
    'macOS',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    4,
    'iOS',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    4,
    'Android',
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    5,
    'iPadOS',
  ],
];

/** Distinct users a run sees; enough that frequency effects would be small, as on a real exchange. */
const USERS = 5000;
const ARTICLES = 1000;

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/**
 * Recorded requests (`requests` in the scenario) in file order, cycling, or drawn from `rng` (one
 * draw a request). Each auction gets a new top-level object with its own id, `tmax` 0 and the
 * scenario's `at`; the rest is the recorded request's, shared by reference: nothing downstream
 * writes into an impression, and the exchange sets `tmax` and `at` on the new object only.
 */
function recordedFactory(spec: RequestsSpec, at: 1 | 2, rng: () => number): (id: string) => BidRequest {
  const list: readonly RecordedRequest[] = recordedRequests(spec.file);
  const n = list.length;
  let next = 0;
  if (spec.order === 'sample')
    return (id) => ({ ...(list[Math.floor(rng() * n)] as RecordedRequest), id, tmax: 0, at });
  return (id) => {
    const recorded = list[next] as RecordedRequest;
    next = next + 1 === n ? 0 : next + 1;
    return { ...recorded, id, tmax: 0, at };
  };
}

/**
 * A function making one BidRequest per auction id. `tmax` is 0: the exchange stamps what is left of
 * its deadline when it sends. Site templates are built once; per request only the draws and the
 * request's own objects are made (requests are handed on, so they share nothing). Each request takes a fixed number of draws from `rng`.
 * With recorded requests in the scenario, those are sent instead (recordedFactory).
 */
export function requestFactory(s: Scenario, rng: () => number): (id: string) => BidRequest {
  if (s.requests !== undefined) return recordedFactory(s.requests, s.auction.type === 'first-price' ? 1 : 2, rng);
  const sites = SITES.map(([topic, section, cat], i) => ({
    id: `site-${i + 1}`,
    domain: `${topic}.example`,
    page: `https://${topic}.example/${section}/article-`,
    cat,
    publisherId: `pub-${i + 1}`,
    publisherName: `${topic.charAt(0).toUpperCase()}${topic.slice(1)} Media`,
  }));
  const at = s.auction.type === 'first-price' ? 1 : 2;
  const { floor, impressions } = s.auction;
  return (id: string): BidRequest => {
    const site = pick(sites, rng);
    const [ua, devicetype, os] = pick(DEVICES, rng);
    const device: Device = { ua, ip: `192.0.2.${1 + Math.floor(rng() * 254)}`, devicetype, os, language: 'en' };
    const article = Math.floor(rng() * ARTICLES);
    const user = Math.floor(rng() * USERS);
    const imp = new Array<BidRequest['imp'][number]>(impressions);
    for (let i = 0; i < impressions; i++) {
      const size = pick(SIZES, rng);
      imp[i] = {
        id: String(i + 1),
        bidfloor: floor,
        bidfloorcur: 'USD',
        banner: { w: size.w, h: size.h },
        tagid: `${site.id}-slot-${i + 1}`,
        secure: 1,
      };
    }
    return {
      id,
      imp,
      tmax: 0,
      at,
      cur: ['USD'],
      site: {
        id: site.id,
        domain: site.domain,
        page: `${site.page}${article}`,
        cat: [site.cat],
        publisher: { id: site.publisherId, name: site.publisherName },
      } satisfies Site,
      device,
      user: { id: `user-${user.toString(36).padStart(4, '0')}` },
    };
  };
}

/**
 * Deterministic auction ids for virtual mode: `a1`, `a2`, …, so the same seed gives the same
 * output byte for byte. Live mode uses randomIds() instead, as a real exchange would.
 */
export function sequentialIds(prefix = 'a'): () => string {
  let counter = 0;
  return () => `${prefix}${++counter}`;
}

/** The 0-based place in the run of the auction a sequentialIds() id names: `a1` is 0. */
export function sequentialIndex(id: string): number {
  // Read digit by digit: asked on every event of a segment that simulates the whole run, it makes
  // no string.
  let n = 0;
  for (let i = 1; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return n - 1;
}

/** Random, collision-safe auction ids (nanoid) for live mode. */
export function randomIds(): () => string {
  return () => nanoid();
}
