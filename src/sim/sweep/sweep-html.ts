// sweep.html: self-contained (inline SVG and CSS, no script), so it opens anywhere and can be mailed.
// Four heat maps over the grid — auction p99, timeout rate, fill, revenue per thousand — with the
// first axis across and every combination of the others down, and the Pareto frontier of p99
// against revenue. Every name and value from the scenario is escaped.

import type { Summary } from '../metrics/summary.js';
import { shownValue } from './cells.js';
import type { SweepReport } from './sweep-model.js';

const esc = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface Metric {
  title: string;
  get: (s: Summary) => number;
  fmt: (x: number) => string;
  /** Whether a larger value is better (colours run from worse to better). */
  higherBetter: boolean;
}

const METRICS: Metric[] = [
  {
    title: 'auction latency p99 (ms)',
    get: (s) => s.latency.auction.p99,
    fmt: (x) => x.toFixed(1),
    higherBetter: false,
  },
  { title: 'timeout rate', get: (s) => s.rates.timeout, fmt: (x) => `${(x * 100).toFixed(2)}%`, higherBetter: false },
  { title: 'fill', get: (s) => s.rates.fill, fmt: (x) => `${(x * 100).toFixed(1)}%`, higherBetter: true },
  {
    title: 'revenue per thousand auctions',
    get: (s) => s.revenue.perThousand,
    fmt: (x) => x.toFixed(3),
    higherBetter: true,
  },
];

/** Worse → better: a warm red through pale yellow to green. */
function colour(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  const hue = 5 + u * 125;
  return `hsl(${hue.toFixed(0)}, 60%, ${(78 - 18 * Math.abs(u - 0.5)).toFixed(0)}%)`;
}

function heatMap(r: SweepReport, m: Metric): string {
  const [first, ...rest] = r.axes;
  if (first === undefined) return '';
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
  const out: string[] = [`<svg width="${w}" height="${h}" role="img" aria-label="${esc(m.title)}">`];
  out.push(`<text x="${left}" y="14" class="axis">${esc(first.path)} →</text>`);
  cols.forEach((c, j) =>
    out.push(`<text x="${left + j * cw + cw / 2}" y="${top - 8}" text-anchor="middle">${esc(c)}</text>`),
  );
  rows.forEach((row, i) =>
    out.push(`<text x="${left - 6}" y="${top + i * ch + ch / 2 + 4}" text-anchor="end">${esc(row)}</text>`),
  );
  for (const c of r.cells) {
    const i = rows.indexOf(rowKey(c.values));
    const j = cols.indexOf(shownValue(c.values[first.path]));
    const v = m.get(c.summary);
    const t = hi === lo ? 0.5 : (v - lo) / (hi - lo);
    const x = left + j * cw;
    const y = top + i * ch;
    const rec = r.recommendation.found && r.recommendation.index === c.index;
    out.push(
      `<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${colour(m.higherBetter ? t : 1 - t)}"${rec ? ' class="rec"' : ''}>` +
        `<title>cell ${c.index}${c.pass ? '' : ' (fails thresholds)'}: ${esc(m.fmt(v))}</title></rect>`,
    );
    out.push(
      `<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" text-anchor="middle"${c.pass ? '' : ' class="fail"'}>${esc(m.fmt(v))}</text>`,
    );
  }
  out.push('</svg>');
  return `<figure><figcaption>${esc(m.title)}</figcaption>${out.join('')}</figure>`;
}

function pareto(r: SweepReport): string {
  const W = 640;
  const H = 360;
  const pad = 50;
  const xs = r.cells.map((c) => c.summary.latency.auction.p99);
  const ys = r.cells.map((c) => c.summary.revenue.perThousand);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (y: number): number => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const byIndex = new Map(r.cells.map((c) => [c.index, c]));
  const front = r.pareto.map((i) => byIndex.get(i)!);
  const out: string[] = [`<svg width="${W}" height="${H}" role="img" aria-label="Pareto frontier">`];
  out.push(
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" class="ax"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" class="ax"/>`,
  );
  out.push(
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">auction p99 (ms): ${x0.toFixed(1)} … ${x1.toFixed(1)}</text>`,
  );
  out.push(
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">revenue / 1000: ${y0.toFixed(3)} … ${y1.toFixed(3)}</text>`,
  );
  out.push(
    `<polyline class="front" points="${front.map((c) => `${sx(c.summary.latency.auction.p99).toFixed(1)},${sy(c.summary.revenue.perThousand).toFixed(1)}`).join(' ')}"/>`,
  );
  for (const c of r.cells) {
    const onFront = r.pareto.includes(c.index);
    const rec = r.recommendation.found && r.recommendation.index === c.index;
    const label = Object.entries(c.values)
      .map(([k, v]) => `${k}=${shownValue(v)}`)
      .join(', ');
    out.push(
      `<circle cx="${sx(c.summary.latency.auction.p99).toFixed(1)}" cy="${sy(c.summary.revenue.perThousand).toFixed(1)}" r="${rec ? 8 : 5}" ` +
        `class="${onFront ? 'on' : 'off'}${c.pass ? '' : ' failpt'}${rec ? ' recpt' : ''}"><title>cell ${c.index}: ${esc(label)}</title></circle>`,
    );
  }
  out.push('</svg>');
  return `<figure><figcaption>Pareto frontier: latency against revenue (line; larger ring = recommended, hollow = fails thresholds)</figcaption>${out.join('')}</figure>`;
}

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}svg text{font-size:11px;fill:#333}
figure{margin:18px 0}figcaption{font-weight:600;margin-bottom:6px}.axis{font-style:italic}.fail{fill:#777;text-decoration:line-through}
rect.rec{stroke:#000;stroke-width:2.5}.ax{stroke:#888}.front{fill:none;stroke:#2a7;stroke-width:2}
circle.on{fill:#2a7}circle.off{fill:#89a}circle.failpt{fill:#fff;stroke:#89a;stroke-width:1.5}circle.recpt{stroke:#000;stroke-width:2.5}
.verdict{padding:10px 14px;background:#f3f7f3;border-left:4px solid #2a7}.none{background:#fbf3f3;border-color:#c44}`;

export function sweepHtml(r: SweepReport): string {
  const rec = r.recommendation;
  const where = rec.found
    ? Object.entries(rec.values ?? {})
        .map(([k, v]) => `${k} = ${shownValue(v)}`)
        .join(', ')
    : '';
  const verdict = rec.found
    ? `<p class="verdict"><b>Recommended: cell ${rec.index} (${esc(where)}).</b> ${esc(rec.reason)}.</p>`
    : `<p class="verdict none"><b>No recommendation:</b> ${esc(rec.reason)}.</p>`;
  const th =
    Object.entries(r.thresholds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sweep ${esc(r.name)}</title><style>${CSS}</style></head><body>
<h1>Sweep: ${esc(r.name)}</h1>
<p>${r.cells.length} cells, ${esc(r.mode)} mode, seed ${r.seed}, ${esc(r.startedAt)}, ${r.wallSec} s. Thresholds: ${esc(th)}.</p>
${verdict}<p>Rule: ${esc(r.rule)}. Outlined cell = recommended; struck-through values fail a threshold.</p>
${METRICS.map((m) => heatMap(r, m)).join('\n')}
${pareto(r)}
</body></html>
`;
}
