// report.md: the run for a pull request, a chat message or a terminal. Every name from the scenario
// goes through escapeMd, so a bidder called `a|b` cannot break a table.

import { escapeMd } from './escape.js';
import { harnessBanner, scenarioParagraph, type Level, type ReportModel } from './report-model.js';
import { allTables, type Table } from './tables.js';

const MARK: Record<Level, string> = { ok: '✅', warn: '⚠️', bad: '❌' };

function mdTable(t: Table): string {
  const out: string[] = [`## ${t.title}`, ''];
  if (t.note !== undefined) out.push(escapeMd(t.note), '');
  if (t.rows.length === 0) {
    out.push(escapeMd(t.empty ?? 'None.'), '');
    return out.join('\n');
  }
  out.push(`| ${t.headers.map(escapeMd).join(' | ')} |`);
  out.push(`| ${t.rows[0]!.cells.map((c) => (c.num === true ? '---:' : '---')).join(' | ')} |`);
  for (const r of t.rows) {
    const cells = r.cells.map((c, i) => {
      const text = escapeMd(c.text);
      return r.total === true && i === 0 ? `**${text}**` : text;
    });
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}

export function reportMarkdown(m: ReportModel): string {
  const s = m.summary;
  const out: string[] = [`# ${escapeMd(s.scenario)}: ${m.verdict.headline}`, ''];
  const banner = harnessBanner(m);
  if (banner !== null) {
    // A blockquote, one paragraph per part: readable as plain text, set apart when rendered.
    out.push(`> ${MARK[banner.level]} **${escapeMd(banner.title)}**`);
    if (banner.reasons.length > 0) out.push('>', ...banner.reasons.map((r) => `> - ${escapeMd(r)}`));
    if (banner.polluted.length > 0) out.push('>', `> Figures not to trust: ${escapeMd(banner.polluted.join(', '))}.`);
    if (banner.advice.length > 0) out.push('>', '> What to do:', ...banner.advice.map((a) => `> - ${escapeMd(a)}`));
    out.push('');
  }
  if (s.partial) {
    out.push(
      `> **PARTIAL RUN** — ${escapeMd(m.run.message ?? 'the run was cut short')}; the figures below cover only the part that ran.`,
      '',
    );
  }
  for (const line of m.verdict.lines) out.push(`- ${MARK[line.level]} ${escapeMd(line.text)}`);
  out.push(
    '',
    scenarioParagraph(m)
      .map((p) => (typeof p === 'string' ? p : `**${escapeMd(p.name)}**`))
      .join(''),
    '',
  );
  for (const t of allTables(m)) out.push(mdTable(t));
  out.push(
    'Percentile files: `auction.hgrm`, `overshoot.hgrm`, one `group-<name>.hgrm` per bidder group and, when the host reported them, ' +
      '`host-delays-<name>.hgrm` (values in ms; open them in any HdrHistogram plotter). Charts are in `report.html`.',
    '',
  );
  return out.join('\n');
}
