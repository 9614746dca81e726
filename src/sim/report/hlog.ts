// histograms.hlog: every histogram of a run as an HdrHistogram interval log, one interval per
// histogram told apart by its tag, written and read with hdr-histogram-js's HistogramLogWriter and
// HistogramLogReader, so HdrHistogram's own tools (HistogramLogProcessor, HdrHistogramVisualizer) read
// it too. Values are µs, as every histogram here holds them; each line's max is given in ms.
// `npm run merge` adds the runs' logs tag by tag: HdrHistogram logs add up exactly across processes.

import { HistogramLogReader, HistogramLogWriter, JsHistogram } from 'hdr-histogram-js';
import { newHistogram, type Histogram } from '../../lib/histogram.js';

export const HLOG_FILE = 'histograms.hlog';

export interface HlogSpan {
  /** Wall-clock ms of the run's start (the log's StartTime). */
  startEpochMs: number;
  /** The measured stretch, in seconds from that start. */
  fromSec: number;
  toSec: number;
}

/** The log text: a header, then one interval line per histogram (tag order kept). */
export function hlogText(histograms: ReadonlyArray<readonly [tag: string, h: Histogram]>, span: HlogSpan): string {
  let text = '';
  const writer = new HistogramLogWriter((line) => {
    text += line;
  });
  writer.outputLogFormatVersion();
  writer.outputStartTime(span.startEpochMs);
  writer.outputLegend();
  for (const [tag, h] of histograms) {
    const before = h.tag;
    h.tag = tag;
    writer.outputIntervalHistogram(h, span.fromSec, Math.max(span.fromSec, span.toSec), 1000);
    h.tag = before;
  }
  return text;
}

/** A line's Interval_Max in µs: the encoding keeps counts per bucket, so a decoded max is its bucket's top. */
function lineMaxUs(line: string): number {
  const fields = line.split(',');
  if (fields[0]?.startsWith('Tag=') === true) fields.shift();
  const ms = Number(fields[2]);
  return Number.isFinite(ms) ? Math.round(ms * 1000) : NaN;
}

/**
 * The histograms of a log by tag (intervals of one tag added), each in our settings, each max the
 * exact one its line gives (µs, written in ms to the µs); an Error naming the line when a line is
 * neither a comment, the legend nor an interval histogram.
 */
export function readHlog(text: string): Map<string, Histogram> {
  const lines = text.split(/\r?\n/);
  const expected = lines.filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('"StartTimestamp"'));
  const maxes = new Map<string, number>();
  const reader = new HistogramLogReader(text);
  const out = new Map<string, Histogram>();
  let read = 0;
  for (;;) {
    let h: Histogram | null;
    try {
      h = reader.nextIntervalHistogram();
    } catch {
      h = null;
    }
    if (h === null) break;
    const maxUs = lineMaxUs(expected[read] ?? '');
    read++;
    let into = out.get(h.tag);
    if (into === undefined) out.set(h.tag, (into = newHistogram()));
    into.add(h);
    if (h.totalCount > 0 && maxUs === maxUs) maxes.set(h.tag, Math.max(maxes.get(h.tag) ?? 0, maxUs));
  }
  for (const [tag, maxUs] of maxes) {
    const h = out.get(tag);
    // Only ever lowered to the recorded max within the top bucket, never below a value it counts.
    if (h instanceof JsHistogram && h.lowestEquivalentValue(h.maxValue) <= maxUs && maxUs <= h.maxValue)
      h.maxValue = maxUs;
  }
  if (read !== expected.length) {
    const bad = expected[read] ?? '';
    throw new Error(
      `line ${lines.indexOf(bad) + 1} is not an interval histogram (${JSON.stringify(bad.slice(0, 60))})`,
    );
  }
  return out;
}
