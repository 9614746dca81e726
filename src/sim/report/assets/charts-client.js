// @ts-check
// Draws report.html's charts with uPlot (inlined before this script) from the JSON block
// #report-data. Runs in the browser, offline. Names from the scenario reach the page only through
// uPlot's legend (textContent) and canvas text, never through innerHTML. Type-checked (not built)
// by assets/tsconfig.json: uPlot from its own declarations, the data from chart-types.ts.
/* global uPlot */

/** @typedef {import('../chart-types.js').ChartData} ChartData */

(function () {
  'use strict';
  const dataEl = document.getElementById('report-data');
  if (!dataEl || !dataEl.textContent) return;

  /** @type {ChartData} */
  const D = JSON.parse(dataEl.textContent);
  const tmax = D.tmaxMs;

  const INK = '#1f2937';
  const GRID = '#e5e7eb';
  const DEADLINE = '#dc2626';
  const PALETTE = [
    '#2563eb',
    '#d97706',
    '#059669',
    '#db2777',
    '#7c3aed',
    '#0891b2',
    '#65a30d',
    '#ea580c',
    '#4f46e5',
    '#0d9488',
  ];
  const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  /** @param {number} i a group's index, -1 for the auction */
  const colour = (i) => (i < 0 ? INK : (PALETTE[i % PALETTE.length] ?? INK));

  /**
   * Axis defaults: quiet grid, readable ticks.
   * @param {uPlot.Axis} extra
   * @returns {uPlot.Axis}
   */
  const axis = (extra) =>
    Object.assign(
      { stroke: INK, font: FONT, labelFont: FONT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } },
      extra,
    );

  /**
   * A hook that draws the deadline across the whole plot, labelled, on the given y scale.
   * @param {string} scale
   * @returns {(u: uPlot) => void}
   */
  function deadlineHook(scale) {
    return (u) => {
      const y = Math.round(u.valToPos(tmax, scale, true)) + 0.5;
      const { left, top, width, height } = u.bbox;
      if (y < top || y > top + height) return;
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = DEADLINE;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.fillStyle = DEADLINE;
      ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
      ctx.textAlign = 'right';
      ctx.fillText(`deadline tmax ${tmax} ms`, left + width - 4 * devicePixelRatio, y - 4 * devicePixelRatio);
      ctx.restore();
    };
  }

  /**
   * y range from 0 that always shows the deadline.
   * @type {uPlot.Range.Function}
   */
  const rangeWithDeadline = (_u, _min, max) => [0, Math.max(max || 0, tmax) * 1.1];

  /** @type {Array<{ el: HTMLElement; u: uPlot }>} */
  const charts = [];

  /**
   * Make a chart in the element with this id; records how many points it was given.
   * @param {string} id
   * @param {Omit<uPlot.Options, 'width' | 'height'>} opts
   * @param {uPlot.AlignedData} data
   */
  function make(id, opts, data) {
    const el = document.getElementById(id);
    if (!el) return;
    let points = 0;
    for (const ys of data.slice(1)) for (const v of ys) if (v !== null && v !== undefined) points++;
    el.dataset.points = String(points);
    const u = new uPlot(Object.assign({ width: el.clientWidth || 800, height: 320 }, opts), data, el);
    charts.push({ el, u });
  }

  /**
   * A legend value the server formatted (chart-data.ts, with format.ts, as the tables are): the text
   * at the cursor's index, or a dash where there is none.
   * @param {string[]} shown
   * @returns {(u: uPlot, v: number, seriesIdx: number, idx: number | null) => string}
   */
  const shownAt = (shown) => (_u, _v, _s, i) => (i == null ? '—' : (shown[i] ?? '—'));

  /** @param {number} x 1/(1-p) */
  const pctLabel = (x) => {
    if (x <= 1) return '0%';
    const p = (1 - 1 / x) * 100;
    const digits = Math.max(0, Math.ceil(Math.log10(x)) - 2);
    return `${p.toFixed(Math.min(digits, 6))}%`;
  };

  // (a) Percentile spectrum: x = 1/(1-p) on a log axis, as HdrHistogram plotters draw it.
  {
    const sp = D.spectrum;
    const maxX = sp.x[sp.x.length - 1] ?? 10;
    /** @type {uPlot.Series[]} */
    const series = [{ label: 'percentile', value: (_u, v) => (v == null ? '—' : pctLabel(v)) }];
    for (const l of sp.lines) {
      series.push({
        label: l.label,
        stroke: colour(l.group),
        width: l.kind === 'auction' ? 2.5 : 1.75,
        dash: l.kind === 'host' ? [4, 4] : undefined,
        spanGaps: true,
        points: { show: false },
        value: shownAt(l.shown),
      });
    }
    make(
      'chart-spectrum',
      {
        scales: {
          x: { time: false, distr: 3, log: 10, range: () => [1, Math.max(10, maxX)] },
          y: { range: rangeWithDeadline },
        },
        axes: [
          axis({
            label: 'percentile',
            splits: (u) => {
              const out = [1, 2];
              const max = u.scales.x?.max ?? 10;
              for (let x = 10; x <= max * 1.0001; x *= 10) out.push(x);
              return out;
            },
            values: (_u, splits) => splits.map(pctLabel),
            // uPlot's log axes blank every label but powers of ten; 50% (x = 2) is one we want.
            filter: (_u, splits) => splits,
          }),
          axis({ label: 'latency (ms)', size: 60 }),
        ],
        series,
        hooks: { draw: [deadlineHook('y')] },
      },
      [sp.x, ...sp.lines.map((l) => l.values)],
    );
  }

  // Per-bidder charts: bidders along x, one slot each.
  const names = D.bidders.names;
  const idx = names.map((_n, i) => i);
  /** @param {string} n */
  const short = (n) => (n.length > 16 ? `${n.slice(0, 15)}…` : n);
  // Names are drawn on the canvas (never as HTML); slanted when they would not fit side by side.
  const longest = names.reduce((m, n) => Math.max(m, short(n).length), 0);
  // u.width (CSS px) is known before layout, unlike the plot box; ~80 px go to the y axis.
  /** @param {uPlot} u */
  const slot = (u) => (u.width - 80) / Math.max(1, names.length);
  /** @param {uPlot} u */
  const slant = (u) => (longest * 7 > slot(u) - 6 ? -35 : 0);
  const bidderAxis = axis({
    space: 10,
    rotate: slant,
    size: (u) => (slant(u) === 0 ? 40 : Math.min(130, 20 + longest * 5)),
    grid: { show: false },
    splits: () => idx,
    values: (u, splits) => {
      // Label every bidder when there is room, else every k-th.
      const every = Math.max(1, Math.ceil(16 / slot(u)));
      return splits.map((i) => (i % every === 0 ? short(names[i] ?? '') : ''));
    },
  });
  // Room on the right for the last slanted name.
  /** @type {uPlot.Padding} */
  const BAR_PADDING = [12, 40, 0, 0];
  /** @type {uPlot.Scale} */
  const bidderX = { time: false, range: () => [-0.5, names.length - 0.5] };
  // Optional in uPlot's types (a custom build may leave them out); the full build inlined has both.
  const { bars: barPaths, stepped: steppedPaths } = uPlot.paths;
  if (!barPaths || !steppedPaths) throw new Error('uPlot was built without bar or stepped paths');
  /** @param {-1 | 1} align */
  const bars = (align) => barPaths({ size: [0.36, 48], align });
  /**
   * @param {uPlot} _u
   * @param {number | null} v
   */
  const bidderName = (_u, v) => (v == null ? '—' : (names[Math.round(v)] ?? '—'));

  /**
   * One of the two bars a bidder gets, left (-1) or right (1) of its slot, with its legend text.
   * @param {string} label
   * @param {string} fill
   * @param {string} stroke
   * @param {-1 | 1} side
   * @param {string[]} shown
   * @returns {uPlot.Series}
   */
  const barSeries = (label, fill, stroke, side, shown) => ({
    label,
    fill,
    stroke,
    width: 1,
    paths: bars(side),
    points: { show: false },
    value: shownAt(shown),
  });

  /**
   * Tick labels of a share axis: round tick values, so one decimal of a percent is plenty.
   * @param {uPlot} _u
   * @param {number[]} ticks
   */
  const percentTicks = (_u, ticks) => ticks.map((v) => `${+(v * 100).toFixed(1)}%`);

  // Where the summed groups end and the named leaves begin, a faint rule between the two.
  const firstLeaf = D.bidders.kinds.indexOf('leaf');
  const split = firstLeaf > 0 && D.bidders.kinds[0] === 'group' ? firstLeaf : -1;
  /** @param {uPlot} u */
  function groupsThenLeaves(u) {
    if (split < 0) return;
    const x = Math.round(u.valToPos(split - 0.5, 'x', true)) + 0.5;
    const { top, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#9ca3af';
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.restore();
  }

  // (b) Each bidder's p50 and p99 response time against the deadline.
  make(
    'chart-bidder-latency',
    {
      padding: BAR_PADDING,
      scales: { x: bidderX, y: { range: rangeWithDeadline } },
      axes: [bidderAxis, axis({ label: 'response time (ms)', size: 60 })],
      series: [
        { label: 'bidder', value: bidderName },
        barSeries('p50', '#93c5fd', '#2563eb', -1, D.bidders.shown.p50),
        barSeries('p99', '#fdba74', '#d97706', 1, D.bidders.shown.p99),
      ],
      hooks: { draw: [deadlineHook('y'), groupsThenLeaves] },
    },
    [idx, D.bidders.p50, D.bidders.p99],
  );

  // (c) Failing share (timed out, invalid or lost) and win rate per bidder.
  make(
    'chart-bidder-rates',
    {
      padding: BAR_PADDING,
      scales: { x: bidderX, y: { range: (_u, _min, max) => [0, Math.min(1, Math.max(max || 0, 0.01) * 1.15)] } },
      axes: [bidderAxis, axis({ label: 'share of requests', size: 60, values: percentTicks })],
      series: [
        { label: 'bidder', value: bidderName },
        barSeries('failed', '#fca5a5', DEADLINE, -1, D.bidders.shown.failing),
        barSeries('win rate', '#86efac', '#059669', 1, D.bidders.shown.winRate),
      ],
      hooks: { draw: [groupsThenLeaves] },
    },
    [idx, D.bidders.failing, D.bidders.winRate],
  );

  // (d) Auction latency and timeout rate per second of the run.
  const ot = D.overTime;
  make(
    'chart-over-time',
    {
      scales: {
        x: { time: false },
        y: { range: rangeWithDeadline },
        rate: { range: (_u, _min, max) => [0, Math.min(1, Math.max(max || 0, 0.01) * 1.2)] },
      },
      axes: [
        axis({
          label: 'seconds since start',
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600],
          values: (_u, s) => s.map((v) => `${v} s`),
        }),
        axis({ label: 'auction latency (ms)', size: 60 }),
        axis({
          scale: 'rate',
          side: 1,
          label: 'timeout rate',
          size: 60,
          grid: { show: false },
          values: percentTicks,
        }),
      ],
      series: [
        { label: 'second', value: (_u, v) => (v == null ? '—' : `${v}–${v + 1} s`) },
        {
          label: 'mean latency',
          stroke: '#2563eb',
          width: 2,
          value: shownAt(ot.shown.meanMs),
        },
        {
          label: 'max latency',
          stroke: '#d97706',
          width: 2,
          value: shownAt(ot.shown.maxMs),
        },
        {
          label: 'timeout rate',
          scale: 'rate',
          stroke: '#7c3aed',
          width: 1.5,
          paths: steppedPaths({ align: 1 }),
          value: shownAt(ot.shown.timeoutRate),
        },
      ],
      hooks: { draw: [deadlineHook('y')] },
    },
    [ot.t, ot.meanMs, ot.maxMs, ot.timeoutRate],
  );

  // (e) Each bidder's adaptive deadline over the run, when there is one.
  const dl = D.deadlines;
  if (dl) {
    /** @type {uPlot.Series[]} */
    const series = [{ label: 'second', value: (_u, v) => (v == null ? '—' : `${v} s`) }];
    dl.lines.forEach((l, i) =>
      series.push({ label: l.label, stroke: colour(i), width: 1.75, points: { show: false }, value: shownAt(l.shown) }),
    );
    make(
      'chart-deadlines',
      {
        scales: { x: { time: false }, y: { range: rangeWithDeadline } },
        axes: [
          axis({ label: 'seconds since start', values: (_u, s) => s.map((v) => `${v} s`) }),
          axis({ label: 'enforced deadline (ms)', size: 60 }),
        ],
        series,
        hooks: { draw: [deadlineHook('y')] },
      },
      [dl.t, ...dl.lines.map((l) => l.ms)],
    );
  }

  // Keep charts as wide as their cards when the window changes.
  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const c of charts) c.u.setSize({ width: c.el.clientWidth, height: 320 });
    });
  });
  document.documentElement.dataset.charts = String(charts.length);
})();
