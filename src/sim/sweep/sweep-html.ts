// sweep.html: self-contained (inline SVG and CSS, no script), so it opens anywhere and can be mailed.
// Four heat maps over the grid — auction p99, timeout rate, fill, revenue per thousand — with the
// first axis across and every combination of the others down, and the Pareto frontier of p99
// against revenue. Every element is built with markup`…`, which escapes each name and value it is
// given; numbers read as on the run report (report/format.ts).

import type { Summary } from '../metrics/summary.js';
import { fmtMoney, fmtMs, fmtNum, fmtPct } from '../report/format.js';
import { attr, markup, trusted, type Markup } from '../report/html.js';
import { shownValue } from './cells.js';
import { recommendationText, type SweepReport } from './sweep-model.js';

interface Metric {
  title: string;
  get: (s: Summary) => number;
  fmt: (x: number) => string;
  /** Whether a larger value is better (colours run from worse to better). */
  higherBetter: boolean;
}

const METRICS: Metric[] = [
  { title: 'auction latency p99 (ms)', get: (s) => s.latency.auction.p99, fmt: fmtMs, higherBetter: false },
  { title: 'timeout rate', get: (s) => s.rates.timeout, fmt: fmtPct, higherBetter: false },
  { title: 'fill', get: (s) => s.rates.fill, fmt: fmtPct, higherBetter: true },
  { title: 'revenue per thousand auctions', get: (s) => s.revenue.perThousand, fmt: fmtMoney, higherBetter: true },
];

/** Worse → better: a warm red through pale yellow to green. */
function colour(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  const hue = 5 + u * 125;
  return `hsl(${hue.toFixed(0)}, 60%, ${(78 - 18 * Math.abs(u - 0.5)).toFixed(0)}%)`;
}

function heatMap(r: SweepReport, m: Metric): Markup {
  const [first, ...rest] = r.axes;
  if (first === undefined) return markup``;
  const rowKey = (values: Record<string, unknown>): string =>
    rest.map((a) => `${a.path}=${shownValue(values[a.path])}`).join(', ') || 'all';
  const rows = [...new Set(r.cells.map((c) => rowKey(c.values)))];
  const cols = first.values.map(shownValue);
  const vals = r.cells.map((c) => m.get(c.summary));
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const cw = 64;
  const ch = 26;
  const left = Math.min(360, 12 + 7 * Math.max(...rows.map((x) => x.length)));
  const top = 40;
  const w = left + cw * cols.length + 10;
  const h = top + ch * rows.length + 10;
  const out: Markup[] = [markup`<text x="${left}" y="14" class="axis">${first.path} →</text>`];
  cols.forEach((c, j) =>
    out.push(markup`<text x="${left + j * cw + cw / 2}" y="${top - 8}" text-anchor="middle">${c}</text>`),
  );
  rows.forEach((row, i) =>
    out.push(markup`<text x="${left - 6}" y="${top + i * ch + ch / 2 + 4}" text-anchor="end">${row}</text>`),
  );
  for (const c of r.cells) {
    const i = rows.indexOf(rowKey(c.values));
    const j = cols.indexOf(shownValue(c.values[first.path]));
    const v = m.get(c.summary);
    const shown = m.fmt(v);
    const t = hi === lo ? 0.5 : (v - lo) / (hi - lo);
    const x = left + j * cw;
    const y = top + i * ch;
    const rec = r.recommendation.found && r.recommendation.index === c.index;
    out.push(
      markup`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${colour(m.higherBetter ? t : 1 - t)}"${attr('class', rec && 'rec')}><title>cell ${c.index}${!c.pass && ' (fails thresholds)'}: ${shown}</title></rect>`,
      markup`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" text-anchor="middle"${attr('class', !c.pass && 'fail')}>${shown}</text>`,
    );
  }
  return markup`<figure><figcaption>${m.title}</figcaption><svg width="${w}" height="${h}" role="img" aria-label="${m.title}">${out}</svg></figure>`;
}

function pareto(r: SweepReport): Markup {
  const W = 640;
  const H = 360;
  const pad = 50;
  const xs = r.cells.map((c) => c.summary.latency.auction.p99);
  const ys = r.cells.map((c) => c.summary.revenue.perThousand);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  // Plot coordinates to a tenth of a pixel: geometry, not figures a reader sees.
  const sx = (x: number): string => (pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad)).toFixed(1);
  const sy = (y: number): string => (H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad)).toFixed(1);
  const byIndex = new Map(r.cells.map((c) => [c.index, c]));
  const front = r.pareto.map((i) => byIndex.get(i)!);
  const out: Markup[] = [
    markup`<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" class="ax"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" class="ax"/>`,
    markup`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">auction p99 (ms): ${fmtMs(x0)} … ${fmtMs(x1)}</text>`,
    markup`<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">revenue / 1000: ${fmtMoney(y0)} … ${fmtMoney(y1)}</text>`,
    markup`<polyline class="front" points="${front.map((c) => `${sx(c.summary.latency.auction.p99)},${sy(c.summary.revenue.perThousand)}`).join(' ')}"/>`,
  ];
  for (const c of r.cells) {
    const onFront = r.pareto.includes(c.index);
    const rec = r.recommendation.found && r.recommendation.index === c.index;
    const label = Object.entries(c.values)
      .map(([k, v]) => `${k}=${shownValue(v)}`)
      .join(', ');
    const cls = `${onFront ? 'on' : 'off'}${c.pass ? '' : ' failpt'}${rec ? ' recpt' : ''}`;
    out.push(
      markup`<circle cx="${sx(c.summary.latency.auction.p99)}" cy="${sy(c.summary.revenue.perThousand)}" r="${rec ? 8 : 5}" class="${cls}"><title>cell ${c.index}: ${label}</title></circle>`,
    );
  }
  return markup`<figure><figcaption>Pareto frontier: latency against revenue (line; larger ring = recommended, hollow = fails thresholds)</figcaption><svg width="${W}" height="${H}" role="img" aria-label="Pareto frontier">${out}</svg></figure>`;
}

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}svg text{font-size:11px;fill:#333}
figure{margin:18px 0}figcaption{font-weight:600;margin-bottom:6px}.axis{font-style:italic}.fail{fill:#777;text-decoration:line-through}
rect.rec{stroke:#000;stroke-width:2.5}.ax{stroke:#888}.front{fill:none;stroke:#2a7;stroke-width:2}
circle.on{fill:#2a7}circle.off{fill:#89a}circle.failpt{fill:#fff;stroke:#89a;stroke-width:1.5}circle.recpt{stroke:#000;stroke-width:2.5}
.verdict{padding:10px 14px;background:#f3f7f3;border-left:4px solid #2a7}.none{background:#fbf3f3;border-color:#c44}`;

export function sweepHtml(r: SweepReport): string {
  const rec = r.recommendation;
  const where = Object.entries(rec.values ?? {})
    .map(([k, v]) => `${k} = ${shownValue(v)}`)
    .join(', ');
  const verdict = rec.found
    ? markup`<p class="verdict"><b>Recommended: cell ${rec.index} (${where}).</b> ${recommendationText(r)}.</p>`
    : markup`<p class="verdict none"><b>No recommendation:</b> ${rec.reason}.</p>`;
  const th =
    Object.entries(r.thresholds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const page = markup`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sweep ${r.name}</title><style>${trusted(CSS)}</style></head><body>
<h1>Sweep: ${r.name}</h1>
<p>${r.cells.length} cells, ${r.mode} mode, seed ${r.seed}, ${r.startedAt}, ${fmtNum(r.wallSec)} s. Thresholds: ${th}.</p>
${verdict}<p>Rule: ${r.rule}. Outlined cell = recommended; struck-through values fail a threshold.</p>
${METRICS.map((m) => [heatMap(r, m), '\n'])}${pareto(r)}
</body></html>
`;
  return page.toString();
}
