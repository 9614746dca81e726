// sweep.html: one self-contained page in the look of report.html (its stylesheet inlined through
// page-assets.ts, with the same verdict header, key figures, cards and tables, plus sweep.css), and
// charts drawn here as inline SVG, so the page needs no script: heat maps of what varies over the
// grid, on a scale that never paints a passing cell red, and the Pareto chart of mean auction time against revenue
// with ticks, a legend per bidder count and the recommended point. Every element is built with
// markup`…`, which escapes each name and value; numbers read as on the run report (report/format.ts).

import { fmtInt, fmtMoney, fmtMs, fmtNum, fmtPct, fmtSetting } from '../report/format.js';
import { attr, markup, type Markup } from '../report/html.js';
import { inlineAsset, loadAssets } from '../report/page-assets.js';
import { shownValue } from './cells.js';
import type { Estimate } from './estimates.js';
import { thresholdText } from './sweep-md.js';
import {
  cellLabel,
  fmtEstimate,
  fmtMarginal,
  harnessText,
  objectiveText,
  recommendationText,
  type SweepCell,
  type SweepReport,
} from './sweep-model.js';

interface Metric {
  title: string;
  get: (c: SweepCell) => Estimate;
  fmt: (x: number) => string;
  /** Whether a larger value is better (the scale darkens towards better). */
  higherBetter: boolean;
}

const METRICS: Metric[] = [
  {
    title: 'revenue per thousand auctions',
    get: (c) => c.figures.revenuePerThousand,
    fmt: fmtMoney,
    higherBetter: true,
  },
  { title: 'auctions that ran to the deadline', get: (c) => c.figures.toDeadline, fmt: fmtPct, higherBetter: false },
  { title: 'auction latency p50 (ms)', get: (c) => c.figures.p50, fmt: fmtMs, higherBetter: false },
  { title: 'timeout rate', get: (c) => c.figures.timeout, fmt: fmtPct, higherBetter: false },
  { title: 'fill', get: (c) => c.figures.fill, fmt: fmtPct, higherBetter: true },
];

/**
 * Worse → better as pale → deep blue-green, one hue: no cell is red for being the lowest of the grid
 * (a passing cell is not a bad one). Failing cells are grey instead (sweep.css).
 */
export function colour(t: number): string {
  const u = Math.max(0, Math.min(1, t));
  return `hsl(${(200 - 30 * u).toFixed(0)}, ${(45 + 20 * u).toFixed(0)}%, ${(93 - 45 * u).toFixed(0)}%)`;
}

const isRec = (r: SweepReport, c: SweepCell): boolean => r.recommendation.found && r.recommendation.index === c.index;

function heatMap(r: SweepReport, m: Metric): Markup {
  const [first, ...rest] = r.axes;
  if (first === undefined) return markup``;
  const rowKey = (c: SweepCell): string =>
    rest.map((a) => `${a.path}=${shownValue(c.values[a.path])}`).join(', ') || 'all';
  const rows = [...new Set(r.cells.map(rowKey))];
  const cols = first.values.map(shownValue);
  // The scale spans the cells that do not fail, so they are told apart from each other, not from failures.
  const scaled = r.cells.filter((c) => c.status !== 'fail');
  const vals = (scaled.length > 0 ? scaled : r.cells).map((c) => m.get(c).mean);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const cw = 58;
  const ch = 26;
  const left = Math.min(300, 12 + 6.5 * Math.max(...rows.map((x) => x.length)));
  const top = 40;
  const w = left + cw * cols.length + 10;
  const h = top + ch * rows.length + 10;
  const out: Markup[] = [markup`<text x="${left}" y="14" class="axis-title">${first.path} →</text>`];
  cols.forEach((c, j) =>
    out.push(markup`<text x="${left + j * cw + cw / 2}" y="${top - 8}" text-anchor="middle">${c}</text>`),
  );
  rows.forEach((row, i) =>
    out.push(markup`<text x="${left - 6}" y="${top + i * ch + ch / 2 + 4}" text-anchor="end">${row}</text>`),
  );
  for (const c of r.cells) {
    const i = rows.indexOf(rowKey(c));
    const j = cols.indexOf(shownValue(c.values[first.path]));
    const v = m.get(c).mean;
    const shown = m.fmt(v);
    const t = hi === lo ? 0.5 : (v - lo) / (hi - lo);
    const x = left + j * cw;
    const y = top + i * ch;
    const cls = [
      c.status === 'fail' ? 'cell-fail' : '',
      c.status === 'noise' ? 'cell-noise' : '',
      isRec(r, c) ? 'cell-rec' : '',
    ]
      .filter((s) => s !== '')
      .join(' ');
    const fill = c.status === 'fail' ? null : colour(m.higherBetter ? t : 1 - t);
    const dark = fill !== null && t > 0.6 === m.higherBetter;
    const note =
      c.status === 'fail' ? ' (fails a threshold)' : c.status === 'noise' ? ' (within noise of a threshold)' : '';
    out.push(
      markup`<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}"${attr('fill', fill)}${attr('class', cls)}><title>cell ${c.index}${note}: ${fmtEstimate(m.get(c), m.fmt)}</title></rect>`,
      markup`<text x="${x + cw / 2 - 1}" y="${y + ch / 2 + 3}" text-anchor="middle"${attr('class', c.status === 'fail' && 'cell-fail')}${attr('style', dark && 'fill:#fff')}>${shown}</text>`,
    );
  }
  return markup`<section class="card"><h2>${m.title}</h2><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${m.title}">${out}</svg></section>`;
}

/** About `count` round tick values (1, 2 or 5 × a power of ten) covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest the raw one (on a log scale), so the count stays near `count`.
  const step = [1, 2, 5, 10]
    .map((k) => k * mag)
    .reduce((a, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(a / raw)) ? b : a));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9333ea'];

function pareto(r: SweepReport): Markup {
  const W = 720;
  const H = 380;
  const L = 64;
  const R = 20;
  const T = 16;
  const B = 46;
  // The mean auction time, not the p99, which is tmax in nearly every virtual cell (objective.ts).
  const p99 = (c: SweepCell): number => c.figures.meanMs.mean;
  const rev = (c: SweepCell): Estimate => c.figures.revenuePerThousand;
  const xs = r.cells.map(p99);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = Math.min(...r.cells.map((c) => rev(c).lo));
  const y1 = Math.max(...r.cells.map((c) => rev(c).hi));
  const padX = (x1 - x0 || Math.max(1, x0)) * 0.05;
  const padY = (y1 - y0 || Math.max(0.01, y0)) * 0.08;
  const [ax0, ax1, ay0, ay1] = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
  // Plot coordinates to a tenth of a pixel: geometry, not figures a reader sees.
  const sx = (x: number): string => (L + ((x - ax0) / (ax1 - ax0)) * (W - L - R)).toFixed(1);
  const sy = (y: number): string => (H - B - ((y - ay0) / (ay1 - ay0)) * (H - T - B)).toFixed(1);
  const counts = [...new Set(r.cells.map((c) => c.summary.config.leaves))].sort((a, b) => a - b);
  const colourOf = (c: SweepCell): string => PALETTE[counts.indexOf(c.summary.config.leaves) % PALETTE.length]!;
  const out: Markup[] = [];
  for (const t of ticks(ax0, ax1)) {
    out.push(
      markup`<line x1="${sx(t)}" y1="${T}" x2="${sx(t)}" y2="${H - B}" class="grid"/><text x="${sx(t)}" y="${H - B + 16}" text-anchor="middle">${fmtSetting(t)}</text>`,
    );
  }
  for (const t of ticks(ay0, ay1)) {
    out.push(
      markup`<line x1="${L}" y1="${sy(t)}" x2="${W - R}" y2="${sy(t)}" class="grid"/><text x="${L - 6}" y="${Number(sy(t)) + 4}" text-anchor="end">${fmtMoney(t)}</text>`,
    );
  }
  out.push(
    markup`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" class="ax"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" class="ax"/>`,
    markup`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" class="axis-title">mean auction time (ms)</text>`,
    markup`<text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle" class="axis-title">revenue per thousand auctions</text>`,
  );
  const byIndex = new Map(r.cells.map((c) => [c.index, c]));
  const front = r.pareto.map((i) => byIndex.get(i)!);
  out.push(
    markup`<polyline class="front" points="${front.map((c) => `${sx(p99(c))},${sy(rev(c).mean)}`).join(' ')}"/>`,
  );
  for (const c of r.cells) {
    const colour = colourOf(c);
    const e = rev(c);
    if (e.method !== 'none')
      out.push(
        markup`<line x1="${sx(p99(c))}" y1="${sy(e.lo)}" x2="${sx(p99(c))}" y2="${sy(e.hi)}" stroke="${colour}" stroke-width="1.5"/>`,
      );
    const title = `cell ${c.index}: ${cellLabel(c)}; revenue ${fmtEstimate(e, fmtMoney)}, mean auction time ${fmtMs(p99(c))} ms`;
    out.push(
      c.status === 'fail'
        ? markup`<circle cx="${sx(p99(c))}" cy="${sy(e.mean)}" r="5" class="pt-fail" stroke="${colour}"><title>${title} (fails a threshold)</title></circle>`
        : markup`<circle cx="${sx(p99(c))}" cy="${sy(e.mean)}" r="5" fill="${colour}"><title>${title}</title></circle>`,
    );
  }
  const rec = r.cells.find((c) => isRec(r, c));
  if (rec !== undefined) {
    out.push(
      markup`<circle cx="${sx(p99(rec))}" cy="${sy(rev(rec).mean)}" r="10" class="pt-rec" id="pareto-recommended"><title>recommended: cell ${rec.index}</title></circle>`,
    );
  }
  const legend = [
    ...counts.map(
      (n, i) =>
        markup`<li><span class="swatch" style="background:${PALETTE[i % PALETTE.length]!}"></span>${fmtInt(n)} bidders</li>`,
    ),
    rec !== undefined && markup`<li><span class="swatch rec"></span>recommended (cell ${rec.index})</li>`,
    r.cells.some((c) => c.status === 'fail') && markup`<li><span class="swatch fail"></span>fails a threshold</li>`,
  ];
  return markup`<section class="card" id="pareto"><h2>Latency against revenue</h2><p class="note">Each cell's mean auction time (arrival to close, averaged over the repeats; the p99 is tmax in nearly every virtual cell, so it would only order the cells by tmax) and revenue per thousand auctions, the bar its 95% interval over the repeats; the dashed line joins the Pareto frontier (no other cell is quicker and earns more).</p><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Pareto chart">${out}</svg><ul class="legend">${legend}</ul></section>`;
}

function kpi(label: string, value: string, sub: string): Markup {
  return markup`<div class="kpi"><div class="label">${label}</div><div class="value">${value}</div><div class="sub">${sub}</div></div>`;
}

function kpis(r: SweepReport): Markup {
  const rec = r.recommendation;
  const c = rec.found ? r.cells.find((x) => x.index === rec.index) : undefined;
  if (c === undefined) return markup``;
  const f = c.figures;
  const iv = (e: Estimate, fmt: (x: number) => string): string =>
    e.method === 'none' ? 'one repeat: no interval' : `95%: ${fmt(e.lo)}–${fmt(e.hi)}`;
  return markup`<div class="kpis">${[
    kpi('tmax', `${fmtSetting(c.summary.config.tmaxMs)} ms`, `cell ${c.index}`),
    kpi('bidders', fmtInt(c.summary.config.leaves), 'called per auction'),
    kpi('revenue / 1000 auctions', fmtMoney(f.revenuePerThousand.mean), iv(f.revenuePerThousand, fmtMoney)),
    kpi('ran to the deadline', fmtPct(f.toDeadline.mean), `auction p50 ${fmtMs(f.p50.mean)} ms`),
    kpi('timeout rate', fmtPct(f.timeout.mean), iv(f.timeout, fmtPct)),
    kpi('fill rate', fmtPct(f.fill.mean), iv(f.fill, fmtPct)),
  ]}</div>`;
}

function grid(r: SweepReport): Markup {
  const pareto = new Set(r.pareto);
  const costs = r.objective.costs;
  const head = [
    'cell',
    ...r.axes.map((a) => a.path),
    'revenue / 1000',
    ...(costs ? ['value / 1000'] : []),
    'to deadline',
    'p50 ms',
    'p99 ms',
    'timeout',
    'fill',
    'thresholds',
    'Pareto',
  ];
  const rows = r.cells.map((c) => {
    const f = c.figures;
    const level = c.thresholds.length === 0 ? '' : c.status === 'pass' ? 'ok' : c.status === 'noise' ? 'warn' : 'bad';
    const verdict =
      c.thresholds.length === 0 ? '-' : c.status === 'pass' ? 'pass' : c.status === 'noise' ? 'within noise' : 'FAIL';
    const why = c.thresholds.map(thresholdText).join('; ');
    const num = (text: string): Markup => markup`<td class="num">${text}</td>`;
    return markup`<tr${attr('class', isRec(r, c) && 'total')}><th scope="row">${c.index}</th>${r.axes.map((a) => markup`<td>${shownValue(c.values[a.path])}</td>`)}${[
      num(fmtEstimate(f.revenuePerThousand, fmtMoney)),
      costs && num(fmtEstimate(c.value, fmtMoney)),
      num(fmtPct(f.toDeadline.mean)),
      num(fmtMs(f.p50.mean)),
      num(fmtMs(f.p99.mean)),
      num(fmtPct(f.timeout.mean)),
      num(fmtPct(f.fill.mean)),
    ]}<td${attr('class', level)}${attr('title', why)}>${verdict}</td><td>${pareto.has(c.index) ? 'yes' : ''}</td></tr>\n`;
  });
  const note =
    r.repeats > 1
      ? `Means over ${r.repeats} repeats with 95% intervals (Student's t over repeats; rates pooled over repeats, Wilson). The recommended cell's row is bold; hover a verdict for its thresholds.`
      : 'One repeat: rates carry Wilson intervals; revenue and latencies have none. The recommended row is bold.';
  return markup`<section class="card" id="table-grid"><h2>Grid</h2><p class="note">${note}</p><div class="table-wrap"><table><thead><tr>${head.map((h, i) => markup`<th scope="col"${attr('class', i > r.axes.length && i < head.length - 2 && 'num')}>${h}</th>`)}</tr></thead><tbody>
${rows}</tbody></table></div></section>`;
}

export function sweepHtml(r: SweepReport): string {
  const a = loadAssets();
  const rec = r.recommendation;
  const harness = harnessText(r);
  const level = rec.found ? (rec.contenders.length > 0 || harness !== null ? 'warn' : 'ok') : 'bad';
  const word = rec.found ? 'RECOMMENDED' : 'NO RECOMMENDATION';
  const where = rec.found && cellLabel(r.cells.find((c) => c.index === rec.index)!);
  const th =
    Object.entries(r.thresholds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  const lines: Array<Markup | false> = [
    rec.found
      ? markup`<li class="ok"><b>Cell ${rec.index} (${where}).</b> ${recommendationText(r)}.</li>`
      : markup`<li class="bad"><b>No recommendation:</b> ${rec.reason}.</li>`,
    markup`<li class="${rec.found ? 'ok' : 'bad'}" id="why">${rec.why}</li>`,
    harness !== null && markup`<li class="warn" id="harness">${harness}</li>`,
    ...rec.contenders.slice(0, 5).map((c) => {
      const cell = r.cells.find((x) => x.index === c.index)!;
      const straddled = cell.thresholds.filter((t) => t.verdict === 'noise').map(thresholdText);
      return markup`<li class="warn">Within noise of a threshold${rec.found ? ' and worth more' : ''}: cell ${c.index} (${cellLabel(cell)}), value ${fmtEstimate(cell.value, fmtMoney)}; ${straddled.join('; ')}. More repeats or auctions would decide it.</li>`;
    }),
  ];
  const marginal =
    rec.found &&
    rec.marginal !== undefined &&
    markup`<ul><li>+10 ms of tmax: ${fmtMarginal(rec.marginal.tmaxPer10Ms, '+10 ms', r.objective.costs)}</li><li>one more bidder: ${fmtMarginal(rec.marginal.perBidder, 'bidder', r.objective.costs)}</li></ul>`;
  const run = `${fmtInt(r.cells.length)} cells × ${fmtInt(r.repeats)} repeat${r.repeats === 1 ? '' : 's'} · ${r.mode} mode · seeds ${r.seeds.join(', ')} · started ${r.startedAt} · ${fmtNum(r.wallSec)} s`;
  const page = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Sweep ${r.name} — ${word} — rtb-sim</title>
<style>${inlineAsset('style', a.css)}</style>
<style>${inlineAsset('style', a.sweepCss)}</style>
</head>
<body>
<main>
<header class="verdict ${level}">
<div class="badge ${level}" id="verdict-word">${word}</div>
<div>
<h1>Sweep: ${r.name}</h1>
<div class="muted">${run}</div>
<ul>${lines}</ul>
</div>
</header>
${kpis(r)}
<section class="card" id="objective"><h2>Objective</h2><p>${objectiveText(r)}</p><p class="note">Rule: ${r.rule}. Thresholds: ${th}; each is judged with its 95% interval, and a cell within noise of one is not recommended but is named above when it would be worth more.</p>${marginal}</section>
${pareto(r)}
<div class="heatmaps">${METRICS.map((m) => [heatMap(r, m), '\n'])}</div>
<p class="muted">Heat maps: deeper is better within the grid; grey and struck through fails a threshold; a dashed amber edge is within noise of one; the black edge is the recommended cell.</p>
${grid(r)}
<footer>Written by rtb-sim. Beside this page: <code>sweep.json</code> (every repeat's summary), <code>sweep.md</code>, <code>scenario.resolved.json</code>.</footer>
</main>
</body>
</html>
`;
  return page.toString();
}
