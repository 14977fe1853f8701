// Response health: how fast Vigil detects and acts, and how often it is wrong, over time.

import {api} from '../api.js';
import {el, replace, pageHeader, select, stat, millis, percent, number} from '../dom.js';
import {refresh, throttle, link} from '../page.js';
import {lineChart, barChart, durationAxis} from '../chart.js';

/** Period → bucket size; about 12 to 28 buckets each, enough to see a trend, few enough to read. */
const PERIODS = {
  '1h': {label: 'Last hour', step: '5m'},
  '6h': {label: 'Last 6 hours', step: '15m'},
  '24h': {label: 'Last 24 hours', step: '1h'},
  '7d': {label: 'Last 7 days', step: '6h'},
};

export function render(view, {params}) {
  const period = PERIODS[params.get('period')] ? params.get('period') : '24h';
  const {step} = PERIODS[period];
  const reload = () => refresh(view, async () => {
    // The server's clock, not the browser's, says what "the last hour" is: the series ends at its now.
    const series = await api(`/v1/stats/response/series?${new URLSearchParams({period, step})}`);
    return [await api(`/v1/stats/response?since=${encodeURIComponent(series.since)}`), series];
  }, ([totals, {buckets}]) => replace(view,
    pageHeader('Response health', select('Period', 'period', Object.entries(PERIODS).map(([k, p]) => [k, p.label]), period,
      v => { location.hash = link('/health', {period: v}).slice(1); })),
    summary(totals),
    el('div', {class: 'charts'},
      lineChart({title: 'Detection latency', buckets, format: millis, axis: durationAxis, endLabel: 'now',
        series: percentiles(buckets, 'detection_latency_ms')}),
      lineChart({title: 'Action latency (detection to action done)', buckets, format: millis, axis: durationAxis, endLabel: 'now',
        series: percentiles(buckets, 'action_latency_ms')}),
      lineChart({title: 'Escalation accuracy and false-positive rate', buckets, format: percent, max: 1, endLabel: 'now', series: [
        {name: 'escalation accuracy', values: buckets.map(b => b.escalation_accuracy)},
        {name: 'false-positive rate', values: buckets.map(b => b.false_positive_rate)}]}),
      barChart({title: 'Incidents and channel delivery failures', buckets, format: v => number(v), endLabel: 'now', series: [
        {name: 'incidents', values: buckets.map(b => b.incidents)},
        {name: 'delivery failures', values: buckets.map(b => b.delivery_failures)},
        {name: 'delivery retries', values: buckets.map(b => b.delivery_retries)}]}))));
  reload();
  return {reload, onEvent: throttle(reload, 2000)}; // figures move slowly; no need to recompute per event
}

function percentiles(buckets, field) {
  return ['p50', 'p95', 'p99'].map(p => ({name: p, values: buckets.map(b => b[field][p])}));
}

function summary(s) {
  const c = s.counts;
  return el('div', {class: 'cards'},
    stat('Incidents', number(c.incidents), `${number(c.escalated)} escalated`),
    stat('Detection p95', millis(s.detection_latency_ms.p95), `p50 ${millis(s.detection_latency_ms.p50)}`),
    stat('Action p95', millis(s.action_latency_ms.p95), `p50 ${millis(s.action_latency_ms.p50)}`),
    stat('Escalation accuracy', percent(s.escalation_accuracy), `${number(c.with_feedback)} with feedback`),
    stat('False positives', percent(s.false_positive_rate), `${number(c.false_positives)} reported`,
      s.false_positive_rate > 0.2 ? 'warn' : ''),
    stat('Recovered by retry', percent(s.automatic_recovery_success_rate), `${number(c.retries)} retries`));
}
