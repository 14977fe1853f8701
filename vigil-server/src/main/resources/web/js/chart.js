// Small SVG charts drawn by hand: a line chart for values over time, grouped bars for counts
// over time, and horizontal bars for a breakdown. Colours come from CSS classes (series-1..3,
// sev-*), so the charts follow the stylesheet; labels are text nodes.

import {el, svg} from './dom.js';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = {left: 56, right: 12, top: 12, bottom: 28};

/**
 * @param buckets [{start, end}] the x axis, from the first start to the last end
 * @param series [{name, values}] one value (or null: no data) per bucket
 * @param format how a y value reads in tooltips, and on the axis unless {@code axis} is given
 * @param axis (highest value) → {top, format}: the y axis, e.g. {@link durationAxis} to keep it in one unit
 * @param endLabel the label of the x axis's right end, e.g. "now"; else the last bucket's end
 */
export function lineChart({title, buckets, series, format = String, max, axis, endLabel}) {
  const {plot, x, y} = frame(buckets, series, axis ?? fixedAxis(format, max), endLabel);
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
export function barChart({title, buckets, series, format = String, endLabel}) {
  const highest = Math.max(0, ...series.flatMap(s => s.values));
  const {plot, x, y} = frame(buckets, series, fixedAxis(format, Math.max(2, 2 * Math.ceil(highest / 2))), endLabel); // whole numbers at every grid line
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

/** A y axis whose labels read as {@code format} does; up to {@code max}, or a round number above the highest value. */
function fixedAxis(format, max) {
  return highest => ({top: max ?? niceCeiling(highest), format});
}

/**
 * A y axis for durations in one unit, the one the highest value reads best in, up to a round
 * number of it: "0 s, 50 s, 100 s", never "0 ms, 50 s, 1.7 min".
 */
export function durationAxis(highest) {
  const [unit, size] = highest >= 3600e3 ? ['h', 3600e3] : highest >= 60e3 ? ['min', 60e3] : highest >= 1000 ? ['s', 1000] : ['ms', 1];
  return {
    top: niceCeiling(highest / size) * size,
    format: v => `${(v / size).toLocaleString('en-US', {maximumFractionDigits: 2})} ${unit}`,
  };
}

/** Axes and grid; returns the plot and the scales. The x axis runs from the first bucket's start to the last one's end. */
function frame(buckets, series, axis, endLabel) {
  const values = series.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
  const {top, format} = axis(Math.max(0, ...values));
  const n = Math.max(1, buckets.length);
  const x = i => PAD.left + (i / n) * (WIDTH - PAD.left - PAD.right);
  const y = v => HEIGHT - PAD.bottom - (top === 0 ? 0 : (v / top) * (HEIGHT - PAD.top - PAD.bottom));
  const plot = svg('svg', {class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img'});
  for (const v of [0, top / 2, top]) {
    plot.appendChild(svg('line', {class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v)}));
    plot.appendChild(svg('text', {class: 'axis', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, format(v)));
  }
  if (buckets.length) {
    const last = buckets[buckets.length - 1];
    const middle = Math.floor(n / 2);
    const ticks = [[0, label(buckets[0].start), 'start'], [n, endLabel ?? label(last.end ?? last.start), 'end']];
    if (middle > 0 && middle < n) ticks.splice(1, 0, [middle, label(buckets[middle].start), 'middle']);
    for (const [i, text, anchor] of ticks) {
      plot.appendChild(svg('text', {class: 'axis x-tick', x: x(i), y: HEIGHT - 8, 'text-anchor': anchor}, text));
    }
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

/** "14:00" in the browser's time zone, like every time on the dashboard; "Nov 29" at midnight. */
function label(iso) {
  const d = new Date(iso);
  return d.getHours() === 0 && d.getMinutes() === 0
    ? d.toLocaleDateString('en-US', {month: 'short', day: 'numeric'})
    : d.toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
}
