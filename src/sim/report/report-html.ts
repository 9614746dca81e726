// report.html: one self-contained page (uPlot, styles and data inline; a Content-Security-Policy
// that forbids every fetch) with a headline verdict, key figures, four charts and the same tables as
// report.md. Every element is built with markup`…`, which escapes each value it is given; the charts
// are drawn in the browser by assets/charts-client.js from a JSON block whose `<` are escaped, so no
// name can close it.

import { chartData } from './chart-data.js';
import { deadlineLines } from './deadline-table.js';
import { jsonForScript } from './escape.js';
import { fmtInt, fmtMoney, fmtMs, fmtMsAgainst, fmtNum, fmtPct, fmtSetting } from './format.js';
import { attr, markup, trusted, type Markup } from './html.js';
import type { BidCounts } from '../metrics/summary.js';
import {
  deadlineLevel,
  harnessBanner,
  harnessCheckLevel,
  harnessPhrase,
  OUTCOME_WARN_SHARE,
  scenarioParagraph,
  worstLevel,
  type Level,
  type ReportModel,
  type ShownRow,
} from './report-model.js';
import { allTables, type Table } from './tables.js';
import { inlineAsset, loadAssets } from './page-assets.js';

function htmlTable(t: Table): Markup {
  const heading = markup`<h2>${t.title}</h2>${t.note !== undefined && markup`<p class="note">${t.note}</p>`}`;
  if (t.rows.length === 0) {
    return markup`<section class="card" id="table-${t.id}">${heading}<p class="muted empty">${t.empty ?? 'None.'}</p></section>`;
  }
  const numeric = t.rows[0]!.cells.map((c) => c.num === true);
  const head = t.headers.map((h, i) => markup`<th scope="col"${attr('class', numeric[i] === true && 'num')}>${h}</th>`);
  const body = t.rows.map((r) => {
    const cells = r.cells.map((c, i) => {
      const cls = attr('class', [c.num === true ? 'num' : '', c.level ?? ''].filter((x) => x !== '').join(' '));
      return i === 0 ? markup`<th scope="row"${cls}>${c.text}</th>` : markup`<td${cls}>${c.text}</td>`;
    });
    return markup`<tr${attr('class', r.total === true && 'total')}>${cells}</tr>\n`;
  });
  const table = markup`<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>
${body}</tbody></table></div>`;
  // A table of hundreds of leaves is folded away, so the page stays a page; its rows are all there.
  const folded =
    t.rows.length > FOLD_ROWS &&
    markup`<details class="fold"><summary>Show all ${fmtInt(t.rows.length)} rows</summary>${table}</details>`;
  return markup`<section class="card" id="table-${t.id}">${heading}${folded === false ? table : folded}</section>`;
}

/** Past this many rows a table starts folded (report.md always shows every row). */
const FOLD_ROWS = 40;

function kpi(label: string, value: string, unit: string, sub: string, level: Level | ''): Markup {
  const u = unit !== '' && markup` <small>${unit}</small>`;
  return markup`<div class="kpi ${level}"><div class="label">${label}</div><div class="value">${value}${u}</div><div class="sub">${sub}</div></div>`;
}

function kpis(m: ReportModel): Markup {
  const s = m.summary;
  const a = s.latency.auction;
  const tmax = fmtSetting(s.config.tmaxMs);
  return markup`<div class="kpis">${[
    kpi(
      'auction p99',
      fmtMsAgainst(a.p99, s.config.tmaxMs),
      'ms',
      `tmax ${tmax} ms · p50 ${fmtMs(a.p50)} ms`,
      a.count === 0 ? '' : deadlineLevel(s),
    ),
    kpi(
      'timeout rate',
      fmtPct(s.rates.timeout),
      '',
      `${fmtInt(s.bids.timedOut)} of ${fmtInt(s.bids.sent)} requests (${fmtInt(s.bids.late)} late)`,
      m.outcomes.timedOut.level,
    ),
    failedKpi(m),
    kpi(
      'fill rate',
      fmtPct(s.rates.fill),
      '',
      `${fmtInt(s.auctions.filled)} of ${fmtInt(s.auctions.total)} auctions`,
      '',
    ),
    kpi(
      'revenue / 1000 auctions',
      fmtMoney(s.revenue.perThousand),
      '',
      `avg clearing CPM ${fmtMoney(s.revenue.avgClearingPrice)}`,
      '',
    ),
    kpi(
      'overshoot p99',
      fmtMs(s.latency.overshoot.p99),
      'ms',
      `max ${fmtMs(s.latency.overshoot.max)} ms past the deadline`,
      // The harness's limit where the run has one; else amber past 5 ms, as before it existed.
      harnessCheckLevel(m.harness, 'overshoot-p99') ?? (s.latency.overshoot.p99 > 5 ? 'warn' : ''),
    ),
    kpi(
      'throughput',
      fmtInt(s.auctions.total),
      'auctions',
      `${fmtNum(s.auctions.perSec)}/s over ${fmtNum(s.durationSec)} s`,
      '',
    ),
  ]}</div>`;
}

/** Invalid and lost answers together, with the leaf that had the largest share of either. */
function failedKpi(m: ReportModel): Markup {
  const s = m.summary;
  const { invalid, lost } = m.outcomes;
  const count = invalid.count + lost.count;
  const worst = [...invalid.worst, ...lost.worst].sort((a, b) => b.share - a.share)[0];
  const sub =
    worst === undefined
      ? `of ${fmtInt(s.bids.sent)} requests`
      : `${fmtInt(invalid.count)} invalid, ${fmtInt(lost.count)} lost · worst ${worst.name} ${fmtPct(worst.share)}`;
  return kpi(
    'invalid + lost',
    fmtPct(s.bids.sent === 0 ? 0 : count / s.bids.sent),
    '',
    sub,
    worstLevel([invalid.level, lost.level]),
  );
}

/** The parts of a stacked outcome bar, in the order every request ends. */
const OUTCOME_PARTS: ReadonlyArray<{ key: keyof Omit<BidCounts, 'sent' | 'late'>; label: string }> = [
  { key: 'onTime', label: 'on time' },
  { key: 'noBid', label: 'no-bid' },
  { key: 'invalid', label: 'invalid' },
  { key: 'timedOut', label: 'timed out' },
  { key: 'lost', label: 'lost' },
];

/** A share wide enough to carry its figure inside its segment. */
const LABELLED_SHARE = 0.1;

function outcomeBar(r: ShownRow): Markup {
  const c = r.counts;
  const parts = OUTCOME_PARTS.filter((p) => c[p.key] > 0).map((p) => {
    const share = c[p.key] / c.sent;
    // The width is layout, not a figure shown: the figure is the text and the title, from format.ts.
    const width = `width:${(share * 100).toFixed(3)}%`;
    const title = `${p.label} ${fmtPct(share)} (${fmtInt(c[p.key])} of ${fmtInt(c.sent)})`;
    return markup`<span class="seg seg-${p.key}" style="${width}" title="${title}" data-share="${share}">${share >= LABELLED_SHARE && fmtPct(share)}</span>`;
  });
  const name = r.kind === 'group' ? markup`${r.name} <small>×${fmtInt(r.leaves)}</small>` : r.name;
  const level = r.failing > OUTCOME_WARN_SHARE ? 'warn' : '';
  return markup`<div class="stack-row" data-name="${r.name}" data-kind="${r.kind}"><div class="stack-name">${name}</div><div class="stack">${c.sent === 0 ? markup`<span class="muted">nothing sent</span>` : parts}</div><div class="stack-fig num ${level}">${fmtPct(r.failing)} failed</div></div>\n`;
}

/** Where every request to each group and to the worst leaves ended, as stacked shares. */
function outcomeChart(m: ReportModel): Markup {
  const sh = m.shown;
  const legend = OUTCOME_PARTS.map((p) => markup`<span><i class="swatch seg-${p.key}"></i>${p.label}</span>`);
  const leafHeading = sh.allLeaves
    ? `Every leaf (${fmtInt(sh.leaves.length)})`
    : `The ${fmtInt(sh.leaves.length)} of ${fmtInt(Object.keys(m.summary.bidders).length)} leaves with the largest failing share`;
  const groupHeading =
    sh.groupsLeftOut > 0
      ? `The ${fmtInt(sh.groups.length)} groups with the largest failing share (${fmtInt(sh.groupsLeftOut)} more in the tables)`
      : 'Groups';
  return markup`<section class="card" id="chart-outcomes"><h2>Where every request ended</h2><p class="note">Each bar is one group or leaf’s requests, split by how each ended: a valid bid on time, a no-bid, an invalid answer, no answer by the deadline (timed out), or no answer at all because the link was down or dropped (lost). The figure on the right is the failing share: timed out, invalid or lost.</p><div class="stack-legend">${legend}</div>${sh.groups.length > 0 && markup`<h3 class="stack-heading">${groupHeading}</h3><div class="stacks">${sh.groups.map(outcomeBar)}</div>`}<h3 class="stack-heading">${leafHeading}</h3><div class="stacks">${sh.leaves.map(outcomeBar)}</div></section>`;
}

/** The harness banner above the verdict, when the harness was not ok. */
function harnessBannerHtml(m: ReportModel): Markup | false {
  const b = harnessBanner(m);
  if (b === null) return false;
  return markup`<section class="banner harness ${b.level}" id="harness-banner" role="alert"><h2>${b.title}</h2>${
    b.reasons.length > 0 && markup`<ul class="reasons">${b.reasons.map((r) => markup`<li>${r}</li>`)}</ul>`
  }${b.polluted.length > 0 && markup`<p><b>Figures not to trust:</b> ${b.polluted.join(', ')}.</p>`}${
    b.advice.length > 0 &&
    markup`<p><b>What to do:</b></p><ul class="advice">${b.advice.map((a) => markup`<li>${a}</li>`)}</ul>`
  }</section>`;
}

function chartCard(id: string, title: string, note: string): Markup {
  return markup`<section class="card"><h2>${title}</h2><p class="note">${note}</p><div class="chart" id="${id}"></div></section>`;
}

function charts(m: ReportModel): Markup {
  const which = m.shown.note;
  return markup`<div class="charts">${[
    chartCard(
      'chart-spectrum',
      'Latency percentile spectrum',
      'Auction latency and each group’s response time by percentile, on a 1/(1−p) log axis as HdrHistogram plotters draw it: each decade to the right is ten times rarer. Dashed lines are the delays the bidder host applied; the red line is the deadline.',
    ),
    markup`<div class="grid2">${[
      chartCard(
        'chart-bidder-latency',
        'Bidder response time vs deadline',
        `p50 and p99 response time, sent → received. ${which}`,
      ),
      chartCard(
        'chart-bidder-rates',
        'Failed and won, per bidder',
        `Share of the requests that failed (timed out, invalid or lost), and of the bids placed that won. ${which}`,
      ),
    ]}</div>`,
    outcomeChart(m),
    chartCard(
      'chart-over-time',
      'Over the run',
      'Mean and maximum auction latency per second (by arrival), and the share of bid requests that timed out.',
    ),
    deadlineLines(m.summary) !== null &&
      chartCard(
        'chart-deadlines',
        'Adaptive deadlines over the run',
        'Each bidder’s enforced deadline (its recent response-time quantile plus the margin, at most its static deadline), read as each second began; each group’s mean past 20 leaves. The red line is tmax.',
      ),
  ]}</div>`;
}

export function reportHtml(m: ReportModel): string {
  const s = m.summary;
  const a = loadAssets();
  const v = m.verdict;
  const files = [
    'summary.json',
    'report.md',
    'auction.hgrm',
    'overshoot.hgrm',
    'group-*.hgrm',
    ...(m.run.hostStats.length > 0 ? ['host-delays-*.hgrm'] : []),
  ];
  const harness = harnessPhrase(m.harness);
  const run = `${s.mode} run · seed ${s.seed} · started ${s.startedAt} · ${s.config.type} · tmax ${fmtSetting(s.config.tmaxMs)} ms · ${fmtInt(s.config.leaves)} leaves${harness === null ? '' : ` · ${harness}`}`;
  const banner = [
    harnessBannerHtml(m),
    s.partial &&
      markup`<div class="banner partial" role="alert">Partial run — ${m.run.message ?? 'the run was cut short'}; the figures cover only the part that ran.</div>`,
  ];
  const scenario = scenarioParagraph(m).map((p) => (typeof p === 'string' ? p : markup`<strong>${p.name}</strong>`));
  const page = markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${s.scenario} — ${v.headline} — rtb-sim report</title>
<style>${inlineAsset('style', a.uplotCss)}</style>
<style>${inlineAsset('style', a.css)}</style>
</head>
<body>
<main>
${banner}
<header class="verdict ${v.level}">
<div class="badge ${v.level}" id="verdict-word">${v.word}${v.qualifier !== null && markup`<small>${v.qualifier}</small>`}</div>
<div>
<h1 id="scenario-name">${s.scenario}</h1>
<div class="muted">${run}</div>
<ul>${v.lines.map((l) => markup`<li class="${l.level}">${l.text}</li>`)}</ul>
</div>
</header>
${kpis(m)}
<section class="card" id="scenario"><h2>Scenario</h2><p>${scenario}</p></section>
${charts(m)}
${allTables(m).map((t) => [htmlTable(t), '\n'])}
<footer>Written by rtb-sim. Beside this page: ${files.map((f, i) => [i > 0 && ', ', markup`<code>${f}</code>`])} (percentile files in ms, for any HdrHistogram plotter).</footer>
</main>
<script type="application/json" id="report-data">${trusted(jsonForScript(chartData(m)))}</script>
<script>${inlineAsset('script', a.uplotJs)}</script>
<script>${inlineAsset('script', a.client)}</script>
</body>
</html>
`;
  return page.toString();
}
