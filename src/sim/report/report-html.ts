// report.html: one self-contained page (uPlot, styles and data inline; a Content-Security-Policy
// that forbids every fetch) with a headline verdict, key figures, four charts and the same tables as
// report.md. Tables are rendered here with every text escaped; the charts are drawn in the browser
// by assets/charts-client.js from a JSON block whose `<` are escaped, so no name can close it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chartData } from './chart-data.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { fmtInt, fmtMoney, fmtMs, fmtPct } from './format.js';
import { deadlineLevel, scenarioParagraph, type Level, type ReportModel } from './report-model.js';
import { allTables, type Table } from './tables.js';

/** Read once per process: uPlot and our own assets are the same for every report. */
let assets: { uplotJs: string; uplotCss: string; css: string; client: string } | null = null;

function loadAssets(): NonNullable<typeof assets> {
  if (assets !== null) return assets;
  const require = createRequire(import.meta.url);
  const read = (path: string): string => readFileSync(path, 'utf8');
  const own = (name: string): string => read(fileURLToPath(new URL(`./assets/${name}`, import.meta.url)));
  assets = {
    uplotJs: read(require.resolve('uplot/dist/uPlot.iife.min.js')),
    uplotCss: read(require.resolve('uplot/dist/uPlot.min.css')),
    css: own('report.css'),
    client: own('charts-client.js'),
  };
  return assets;
}

/** Inline script text must not contain `</script`; uPlot and our client never do, but make sure. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

function htmlTable(t: Table): string {
  const note = t.note === undefined ? '' : `<p class="note">${escapeHtml(t.note)}</p>`;
  if (t.rows.length === 0) {
    return `<section class="card" id="table-${t.id}"><h2>${escapeHtml(t.title)}</h2>${note}<p class="muted empty">${escapeHtml(t.empty ?? 'None.')}</p></section>`;
  }
  const numeric = t.rows[0]!.cells.map((c) => c.num === true);
  const head = t.headers
    .map((h, i) => `<th scope="col"${numeric[i] === true ? ' class="num"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const body = t.rows
    .map((r) => {
      const cells = r.cells.map((c, i) => {
        const cls = [c.num === true ? 'num' : '', c.level ?? ''].filter((x) => x !== '').join(' ');
        const tag = i === 0 ? 'th scope="row"' : 'td';
        return `<${tag}${cls === '' ? '' : ` class="${cls}"`}>${escapeHtml(c.text)}</${i === 0 ? 'th' : 'td'}>`;
      });
      return `<tr${r.total === true ? ' class="total"' : ''}>${cells.join('')}</tr>`;
    })
    .join('\n');
  return (
    `<section class="card" id="table-${t.id}"><h2>${escapeHtml(t.title)}</h2>${note}` +
    `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`
  );
}

function kpi(label: string, value: string, unit: string, sub: string, level: Level | ''): string {
  const u = unit === '' ? '' : ` <small>${escapeHtml(unit)}</small>`;
  return `<div class="kpi ${level}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}${u}</div><div class="sub">${escapeHtml(sub)}</div></div>`;
}

function kpis(m: ReportModel): string {
  const s = m.summary;
  const a = s.latency.auction;
  return `<div class="kpis">${[
    kpi(
      'auction p99',
      fmtMs(a.p99),
      'ms',
      `tmax ${s.config.tmaxMs} ms · p50 ${fmtMs(a.p50)} ms`,
      a.count === 0 ? '' : deadlineLevel(s),
    ),
    kpi(
      'timeout rate',
      fmtPct(s.rates.timeout),
      '',
      `${fmtInt(s.bids.timedOut)} of ${fmtInt(s.bids.sent)} requests (${fmtInt(s.bids.late)} late)`,
      s.rates.timeout > 0.01 ? 'warn' : 'ok',
    ),
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
      s.latency.overshoot.p99 > 5 ? 'warn' : '',
    ),
    kpi('throughput', fmtInt(s.auctions.total), 'auctions', `${s.auctions.perSec}/s over ${s.durationSec} s`, ''),
  ].join('')}</div>`;
}

function chartCard(id: string, title: string, note: string): string {
  return `<section class="card"><h2>${escapeHtml(title)}</h2><p class="note">${escapeHtml(note)}</p><div class="chart" id="${id}"></div></section>`;
}

function charts(): string {
  return (
    `<div class="charts">` +
    chartCard(
      'chart-spectrum',
      'Latency percentile spectrum',
      'Auction latency and each group’s response time by percentile, on a 1/(1−p) log axis as HdrHistogram plotters draw it: each decade to the right is ten times rarer. Dashed lines are the delays the bidder host applied; the red line is the deadline.',
    ) +
    `<div class="grid2">` +
    chartCard(
      'chart-bidder-latency',
      'Bidder response time vs deadline',
      'p50 and p99 response time of every bidder leaf, sent → received.',
    ) +
    chartCard(
      'chart-bidder-rates',
      'Timeout and win rates per bidder',
      'Share of each leaf’s requests that timed out, and that it won.',
    ) +
    `</div>` +
    chartCard(
      'chart-over-time',
      'Over the run',
      'Mean and maximum auction latency per second (by arrival), and the share of bid requests that timed out.',
    ) +
    `</div>`
  );
}

export function reportHtml(m: ReportModel): string {
  const s = m.summary;
  const a = loadAssets();
  const v = m.verdict;
  const banner = s.partial
    ? `<div class="banner partial" role="alert">Partial run — ${escapeHtml(m.run.message ?? 'the run was cut short')}; the figures cover only the part that ran.</div>`
    : '';
  const files = [
    'summary.json',
    'report.md',
    'auction.hgrm',
    'overshoot.hgrm',
    'group-*.hgrm',
    ...(m.run.hostStats.length > 0 ? ['host-delays-*.hgrm'] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(s.scenario)} — ${escapeHtml(v.word)} — rtb-sim report</title>
<style>${a.uplotCss}</style>
<style>${a.css}</style>
</head>
<body>
<main>
${banner}
<header class="verdict ${v.level}">
<div class="badge ${v.level}" id="verdict-word">${escapeHtml(v.word)}</div>
<div>
<h1 id="scenario-name">${escapeHtml(s.scenario)}</h1>
<div class="muted">${escapeHtml(`${s.mode} run · seed ${s.seed} · started ${s.startedAt} · ${s.config.type} · tmax ${s.config.tmaxMs} ms · ${s.config.leaves} leaves`)}</div>
<ul>${v.lines.map((l) => `<li class="${l.level}">${escapeHtml(l.text)}</li>`).join('')}</ul>
</div>
</header>
${kpis(m)}
<section class="card" id="scenario"><h2>Scenario</h2><p>${scenarioParagraph(m, (name) => `<strong>${escapeHtml(name)}</strong>`)}</p></section>
${charts()}
${allTables(m).map(htmlTable).join('\n')}
<footer>Written by rtb-sim. Beside this page: ${files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')} (percentile files in ms, for any HdrHistogram plotter).</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(chartData(m))}</script>
<script>${inlineScript(a.uplotJs)}</script>
<script>${inlineScript(a.client)}</script>
</body>
</html>
`;
}
