// Incidents: the list, filtered by status, severity, agent, rule and time, kept up to date by the
// live stream without reloading.

import {api} from '../api.js';
import {el, replace, table, time, number, severityBadge, statusBadge, pageHeader, select, notice, SEVERITIES} from '../dom.js';
import {refresh, keepingState, link} from '../page.js';

const PAGE = 200;
const PERIODS = [['', 'Any time'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']];
const PERIOD_MS = {'1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3};

export function render(view, {params}) {
  const filters = Object.fromEntries(['status', 'severity', 'agent', 'rule', 'period'].map(k => [k, params.get(k) ?? '']));
  const since = filters.period ? new Date(Date.now() - PERIOD_MS[filters.period]).toISOString() : '';
  let incidents = [];
  let nextCursor = null;
  let pages = 1;
  const fresh = new Set();
  let drawPending = false;
  let choices = null; // the agents and rules to filter by, loaded with the first page
  const list = el('div', {id: 'incident-list'});
  const more = el('div', {class: 'more'});

  const query = cursor => '/v1/incidents?' + new URLSearchParams(Object.entries({
    status: filters.status, severity: filters.severity, agent: filters.agent, rule: filters.rule, since, limit: PAGE, cursor,
  }).filter(([, v]) => v)).toString();

  const reload = () => refresh(view,
    async () => {
      choices ??= await Promise.all([api('/v1/agents'), api('/v1/rules')]);
      return api(query());
    },
    page => {
      incidents = page.incidents;
      nextCursor = page.next_cursor;
      pages = 1;
      fresh.clear();
      if (!view.contains(list)) {
        const [{agents}, {rules}] = choices;
        replace(view, pageHeader('Incidents'), filterBar(agents.map(a => a.agent), rules.map(r => r.id)), list, more);
      }
      draw();
    });
  reload();

  return {
    reload,
    onEvent(type, data) {
      if (type !== 'incident') return;
      const i = data.incident;
      const at = incidents.findIndex(x => x.id === i.id);
      if (matches(i)) {
        if (at >= 0) incidents[at] = i;
        else incidents.unshift(i);
        fresh.add(i.id);
      } else if (at >= 0) {
        incidents.splice(at, 1); // e.g. acknowledged while the list shows open incidents
      }
      // As many as the pages loaded: an incident storm must not grow the table without end.
      for (const gone of incidents.splice(PAGE * pages)) fresh.delete(gone.id);
      drawSoon();
    },
  };

  function matches(i) {
    return (!filters.status || i.status === filters.status) && (!filters.severity || i.severity === filters.severity)
      && (!filters.agent || i.agent === filters.agent) && (!filters.rule || i.rule === filters.rule)
      && (!since || i.detected_at >= since);
  }

  /** One redraw per frame, however many events arrive in it. */
  function drawSoon() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      draw();
    });
  }

  function draw() {
    keepingState(list, () => replace(list, incidentTable(incidents, {fresh, empty: 'No incidents match these filters.'})));
    replace(more, nextCursor ? el('button', {type: 'button', class: 'button secondary', onclick: loadMore}, 'Show more') : null);
  }

  async function loadMore() {
    try {
      const page = await api(query(nextCursor));
      incidents.push(...page.incidents.filter(i => !incidents.some(x => x.id === i.id)));
      nextCursor = page.next_cursor;
      pages++;
      draw();
    } catch (e) {
      replace(more, notice(`Could not load more: ${e.message}`, 'error'));
    }
  }

  function filterBar(agents, rules) {
    const go = (name, value) => {
      location.hash = link('/incidents', {...filters, [name]: value}).slice(1);
    };
    const options = (all, values) => [['', all], ...values.map(v => [v, v])];
    return el('form', {class: 'filters', 'aria-label': 'Filters', onsubmit: e => e.preventDefault()},
      select('Status', 'status', [['', 'Any status'], ['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']],
        filters.status, v => go('status', v)),
      select('Severity', 'severity', [['', 'Any severity'], ...SEVERITIES.map(s => [s, s[0].toUpperCase() + s.slice(1)])],
        filters.severity, v => go('severity', v)),
      select('Agent', 'agent', options('Any agent', withCurrent(agents, filters.agent)), filters.agent, v => go('agent', v)),
      select('Rule', 'rule', options('Any rule', withCurrent(rules, filters.rule)), filters.rule, v => go('rule', v)),
      select('Detected', 'period', PERIODS, filters.period, v => go('period', v)),
      Object.values(filters).some(Boolean) ? el('a', {href: '#/incidents', class: 'button secondary'}, 'Clear filters') : null);
  }
}

/** Incidents as a table linking to their pages; rows in {@code fresh} arrived live and are highlighted. */
export function incidentTable(incidents, {fresh = new Set(), empty = 'No incidents.'} = {}) {
  return table(['Severity', 'Incident', 'Agent', 'Status', 'Count', 'Detected', 'Last seen'],
    incidents.map(i => el('tr', {class: fresh.has(i.id) ? 'fresh' : null, 'data-incident': i.id},
      el('td', {'data-label': 'Severity'}, severityBadge(i.severity)),
      el('td', {'data-label': 'Incident'}, el('div', {},
        el('a', {href: `#/incidents/${encodeURIComponent(i.id)}`}, i.title || i.rule),
        el('div', {class: 'muted small'}, i.rule, i.escalated ? ' · escalated' : '', i.dry_run ? ' · dry run' : '',
          i.drill ? ' · drill' : ''))),
      el('td', {'data-label': 'Agent'}, i.agent),
      el('td', {'data-label': 'Status'}, statusBadge(i.status)),
      el('td', {'data-label': 'Count'}, number(i.count)),
      el('td', {'data-label': 'Detected'}, time(i.detected_at)),
      el('td', {'data-label': 'Last seen'}, time(i.last_seen)))),
    {className: 'incidents', empty});
}

/** The options plus the value linked to, so a filter on an agent that has gone quiet still shows. */
function withCurrent(values, current) {
  return current && !values.includes(current) ? [...values, current] : values;
}
