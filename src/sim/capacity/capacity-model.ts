// capacity.json: what `npm run capacity` found, how, and every probe it ran. Built purely from the
// search's result and the settings; the command adds the tool and the load average.

import type { ToolInfo } from '../metrics/summary.js';
import type { ProbeRecord, SearchEnd, SearchResult, SearchSettings } from './search.js';

export interface CapacitySettings extends SearchSettings {
  /** Seconds of arrivals each probe measures (after its warm-up). */
  probeSec: number;
  /** Seconds of each probe's warm-up, left out of its figures. */
  warmupSec: number;
  seed: number;
}

export interface CapacityReport {
  /** The scenario's name and the file it came from. */
  scenario: string;
  file: string;
  startedAt: string;
  /** The scenario's own mode; the probes always run live. */
  scenarioMode: 'live' | 'virtual';
  settings: CapacitySettings;
  /** The highest open-loop rate (auctions/s) every probe judged `ok`; null when none was. */
  capacity: number | null;
  end: SearchEnd;
  /** The lowest rate above `capacity` judged not ok; null when none was (at max). */
  notOk: number | null;
  /** (notOk - capacity) / capacity. */
  width: number | null;
  confirmed: boolean;
  /** The answer in one line, as the terminal prints it. */
  answer: string;
  probes: ProbeRecord[];
  /** os.loadavg() (1, 5 and 15 minutes) before the first probe and after the last. */
  loadAverage: { start: number[]; end: number[] };
  tool?: ToolInfo;
}

const rate = (r: number): string => `${r}/s`;

/** The one-line answer for a search's end. */
export function answerLine(name: string, r: SearchResult, s: SearchSettings): string {
  const cap = r.capacity;
  const bracket = r.notOk === null ? '' : ` (not ok at ${rate(r.notOk)})`;
  const confirm = s.confirm && !r.confirmed ? ', not confirmed by a second probe' : '';
  switch (r.end) {
    case 'found':
      return `${name}: capacity ${rate(cap!)}, the highest open-loop rate the harness stayed ok${bracket}`;
    case 'at-max':
      return `${name}: capacity at least ${rate(cap!)}: ok at --max ${rate(s.max)}, the search's upper bound${confirm}`;
    case 'none-ok':
      return `${name}: no rate kept the harness ok, down to ${rate(r.notOk ?? s.min)} (--min ${rate(s.min)})`;
    case 'budget':
      return cap === null
        ? `${name}: no rate kept the harness ok in ${r.probes.length} probes (the --probes budget), down to ${rate(r.notOk!)}`
        : `${name}: capacity ${rate(cap)}${bracket}, within ${pctOf(r.width)} after ${r.probes.length} probes (the --probes budget)${confirm}`;
    case 'stopped':
      return cap === null
        ? `${name}: stopped before any rate kept the harness ok`
        : `${name}: stopped; ok up to ${rate(cap)} so far${bracket}`;
  }
}

const pctOf = (w: number | null): string => (w === null ? 'an open bracket' : `${Math.round(w * 1000) / 10}%`);

export function capacityReport(input: {
  scenario: string;
  file: string;
  startedAt: Date;
  scenarioMode: 'live' | 'virtual';
  settings: CapacitySettings;
  result: SearchResult;
  loadAverage: { start: number[]; end: number[] };
  tool?: ToolInfo;
}): CapacityReport {
  const { result: r } = input;
  return {
    scenario: input.scenario,
    file: input.file,
    startedAt: input.startedAt.toISOString(),
    scenarioMode: input.scenarioMode,
    settings: input.settings,
    capacity: r.capacity,
    end: r.end,
    notOk: r.notOk,
    width: r.width === null ? null : Math.round(r.width * 1e4) / 1e4,
    confirmed: r.confirmed,
    answer: answerLine(input.scenario, r, input.settings),
    probes: r.probes,
    loadAverage: input.loadAverage,
    ...(input.tool !== undefined ? { tool: input.tool } : {}),
  };
}
