// Weekly report: a week's incidents by severity, agent, rule and category, and the low-severity
// ones to review.

import {api} from '../api.js';
import {el, replace, table, time, number, severityBadge, pageHeader, stat, SEVERITIES} from '../dom.js';
import {refresh, link} from '../page.js';
import {hbars} from '../chart.js';

export function render(view, {params}) {
  const week = params.get('week');
  const reload = () => refresh(view, () => api('/v1/reports/weekly' + (week ? `?week=${encodeURIComponent(week)}` : '')), r => replace(view,
    pageHeader(`Weekly report ${r.week}`, el('div', {class: 'field'},
      el('label', {for: 'week'}, 'Week'),
      el('input', {id: 'week', name: 'week', type: 'week', value: r.week,
        onchange: e => { if (e.target.value) location.hash = link('/weekly', {week: e.target.value}).slice(1); }}))),
    el('p', {class: 'muted'}, 'From ', time(r.from), ' to ', time(r.to), '.'),
    el('div', {class: 'cards'}, stat('Incidents', number(r.total), 'this week'),
      SEVERITIES.map(s => stat(s[0].toUpperCase() + s.slice(1), number(r.by_severity[s] ?? 0), 'incidents', r.by_severity[s] ? `sev-${s}` : ''))),
    el('div', {class: 'breakdowns'},
      breakdown('By agent', r.by_agent), breakdown('By rule', r.by_rule), breakdown('By category', r.by_category)),
    el('section', {class: 'card'}, el('h2', {}, 'Low-severity incidents to review'),
      table(['Severity', 'Incident', 'Agent', 'Count', 'Detected'], r.low.map(i => [
        severityBadge('low'),
        el('a', {href: `#/incidents/${encodeURIComponent(i.id)}`}, i.title || i.rule),
        i.agent, number(i.count), time(i.detected_at)]), {empty: 'No low-severity incidents this week.'}))));
  reload();
  return {reload};
}

function breakdown(title, counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return el('section', {class: 'card'}, el('h2', {}, title),
    entries.length ? hbars(entries) : el('p', {class: 'empty'}, 'None.'));
}
