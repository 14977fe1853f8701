// Small SVG charts drawn by hand: a line chart for values over time, grouped bars for counts
// over time, and horizontal bars for a breakdown. Colours come from CSS classes (series-1..3,
// sev-*), so the charts follow the stylesheet; labels are text nodes.

import {el, svg} from './dom.js';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = {left: 56, right: 12, top: 12, bottom: 28};

/**
 * @param buckets [{start}] the x axis
 * @param series [{name, values}] one value (or null: no data) per bucket
 * @param format how a y value reads (axis and tooltips)
 */
export function lineChart({title, buckets, series, format = String, max}) {
  const {plot, x, y} = frame(buckets, series, format, max);
  series.forEach((s, n) => {
    const points = s.values.map((v, i) => (v === null || v === undefined ? null : [x(i + 0.5), y(v), v, i]));
    for (const run of runs(points)) {
      if (run.length > 1) plot.appendChild(svg('polyline', {class: `line series-${n + 1}`, points: run.map(p => `${p[0]},${p[1]}`).join(' ')}));
      for (const [px, py, v, i] of run) {
        plot.appendChild(svg('circle', {class: `dot series-${n + 1}`, cx: px, cy: py, r: 3},
          svg('title', {}, `${s.name} ${label(buckets[i].start)}: ${format(v)}`)));
      }
    }
  });
  return figure(title, plot, series);
}

/** Counts per bucket as bars side by side. */
export function barChart({title, buckets, series, format = String}) {
  const highest = Math.max(0, ...series.flatMap(s => s.values));
  const {plot, x, y} = frame(buckets, series, format, Math.max(2, 2 * Math.ceil(highest / 2))); // whole numbers at every grid line
  const slot = (x(1) - x(0)) * 0.8;
  const width = Math.max(1, slot / series.length);
  series.forEach((s, n) => s.values.forEach((v, i) => {
    if (!v) return;
    const left = x(i) + (x(1) - x(0)) * 0.1 + n * width;
    plot.appendChild(svg('rect', {class: `bar series-${n + 1}`, x: left, y: y(v), width, height: y(0) - y(v)},
      svg('title', {}, `${s.name} ${label(buckets[i].start)}: ${format(v)}`)));
  }));
  return figure(title, plot, series);
}

/** A breakdown as labelled horizontal bars; {@code tone(label)} picks a class per bar. */
export function hbars(entries, tone = () => 'series-1') {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  return el('div', {class: 'hbars'}, entries.map(([name, value]) => el('div', {class: 'hbar'},
    el('span', {class: 'hbar-label'}, name),
    svgBar(value / max, tone(name)),
    el('span', {class: 'hbar-value'}, String(value)))));
}

function svgBar(share, tone) {
  return svg('svg', {class: 'hbar-track', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true'},
    svg('rect', {class: `bar ${tone}`, x: 0, y: 0, width: Math.max(0.5, share * 100), height: 10, rx: 1}));
}

/** Axes and grid; returns the plot and the scales. */
function frame(buckets, series, format, max) {
  const values = series.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
  const top = max ?? niceCeiling(Math.max(0, ...values));
  const n = Math.max(1, buckets.length);
  const x = i => PAD.left + (i / n) * (WIDTH - PAD.left - PAD.right);
  const y = v => HEIGHT - PAD.bottom - (top === 0 ? 0 : (v / top) * (HEIGHT - PAD.top - PAD.bottom));
  const plot = svg('svg', {class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img'});
  for (const v of [0, top / 2, top]) {
    plot.appendChild(svg('line', {class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v)}));
    plot.appendChild(svg('text', {class: 'axis', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, format(v)));
  }
  const ticks = [...new Set([0, Math.floor(n / 2), n - 1])].filter(i => buckets[i]);
  for (const i of ticks) {
    plot.appendChild(svg('text', {class: 'axis', x: x(i + 0.5), y: HEIGHT - 8, 'text-anchor': 'middle'}, label(buckets[i].start)));
  }
  if (values.length === 0) {
    plot.appendChild(svg('text', {class: 'axis empty', x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle'}, 'no data in this period'));
  }
  return {plot, x, y};
}

function figure(title, plot, series) {
  plot.setAttribute('aria-label', title);
  return el('figure', {class: 'card chart-card'},
    el('figcaption', {}, el('span', {class: 'chart-title'}, title),
      el('span', {class: 'legend'}, series.map((s, n) => el('span', {class: `key series-${n + 1}`}, s.name)))),
    plot);
}

/** Consecutive non-null points, so a gap in the data is a gap in the line. */
function runs(points) {
  const out = [[]];
  for (const p of points) {
    if (p) out[out.length - 1].push(p);
    else if (out[out.length - 1].length) out.push([]);
  }
  return out.filter(r => r.length);
}

function niceCeiling(v) {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map(f => f * magnitude).find(c => c >= v);
}

/** "14:00" for a bucket start; "Nov 29" when buckets are whole days apart. */
function label(iso) {
  const d = new Date(iso);
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0
    ? d.toLocaleDateString('en-US', {month: 'short', day: 'numeric', timeZone: 'UTC'})
    : d.toISOString().slice(11, 16);
}
