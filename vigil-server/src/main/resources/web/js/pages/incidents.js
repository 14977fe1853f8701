// Incidents: the list, filtered by status, severity, agent, rule and time (by the server) and by
// text and drill traffic (here, over the incidents loaded), kept up to date by the live stream
// without reloading. Several can be selected and acknowledged or resolved together.

import {api} from '../api.js';
import {el, replace, table, time, number, severityBadge, statusBadge, pageHeader, select, notice, SEVERITIES} from '../dom.js';
import {refresh, keepingState, link} from '../page.js';

const PAGE = 200;
const PERIODS = [['', 'Any time'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']];
const PERIOD_MS = {'1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3};

export function render(view, {params}) {
  // q (text) and drills ("1" shows drill incidents, hidden by default) filter here; the rest on the server.
  const filters = Object.fromEntries(['status', 'severity', 'agent', 'rule', 'period', 'q', 'drills'].map(k => [k, params.get(k) ?? '']));
  const since = filters.period ? new Date(Date.now() - PERIOD_MS[filters.period]).toISOString() : '';
  let incidents = [];
  let nextCursor = null;
  let pages = 1;
  const fresh = new Set();
  let drawPending = false;
  let choices = null; // the agents and rules to filter by, loaded with the first page
  const selected = new Set(); // incident ids ticked for a bulk acknowledge or resolve
  const list = el('div', {id: 'incident-list'});
  const more = el('div', {class: 'more'});
  const message = el('div', {id: 'bulk-message', 'aria-live': 'polite'});

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
        replace(view, pageHeader('Incidents'), filterBar(agents.map(a => a.agent), rules.map(r => r.id)), message, list, more);
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

  /** What the server's filters let through and this page's own (text, drills) keep. */
  function shownIncidents() {
    const words = filters.q.toLowerCase().split(/\s+/).filter(Boolean);
    return incidents.filter(i => (filters.drills || !i.drill) && words.every(w => searchText(i).includes(w)));
  }

  function draw() {
    const shown = shownIncidents();
    const ticked = shown.filter(i => selected.has(i.id));
    const selection = {
      selected,
      all: shown.length > 0 && ticked.length === shown.length,
      onChange(ids, on) {
        for (const id of ids) if (on) selected.add(id); else selected.delete(id);
        draw();
      },
    };
    keepingState(list, () => replace(list,
      bulkBar(ticked),
      listNote(shown),
      incidentTable(shown, {fresh, selection, empty: 'No incidents match these filters.'})));
    replace(more, nextCursor ? el('button', {type: 'button', class: 'button secondary', onclick: loadMore}, 'Show more') : null);
  }

  /** Says what the page's own filters hide, so nothing is out of sight without a word. */
  function listNote(shown) {
    const drills = filters.drills ? 0 : incidents.filter(i => i.drill).length;
    const parts = [];
    if (filters.q) parts.push(`${number(shown.length)} of the ${number(incidents.length)} incidents loaded match “${filters.q}”${nextCursor ? '; Show more searches further back' : ''}.`);
    if (drills) parts.push(`${number(drills)} drill incident${drills === 1 ? ' is' : 's are'} hidden.`);
    return parts.length ? el('p', {class: 'muted small', id: 'list-note'}, parts.join(' ')) : null;
  }

  /** Acknowledge or resolve the ticked incidents; each button counts those it applies to. */
  function bulkBar(ticked) {
    const open = ticked.filter(i => i.status === 'open');
    const unresolved = ticked.filter(i => i.status !== 'resolved');
    return el('div', {class: 'bulk', role: 'group', 'aria-label': 'Selected incidents'},
      el('span', {class: 'bulk-count'}, ticked.length ? `${number(ticked.length)} selected` : 'Select incidents to act on several at once'),
      el('button', {type: 'button', class: 'button secondary', id: 'bulk-ack', disabled: open.length === 0,
        onclick: () => bulk('Acknowledged', 'ack', open)}, `Acknowledge${open.length ? ` ${open.length}` : ''}`),
      el('button', {type: 'button', class: 'button secondary', id: 'bulk-resolve', disabled: unresolved.length === 0,
        onclick: () => bulk('Resolved', 'resolve', unresolved)}, `Resolve${unresolved.length ? ` ${unresolved.length}` : ''}`),
      ticked.length ? el('button', {type: 'button', class: 'button secondary', id: 'bulk-clear', onclick: () => {
        selected.clear();
        draw();
      }}, 'Clear selection') : null);
  }

  /** One request per incident; what failed stays selected and is named, what worked is unticked. */
  async function bulk(done, action, targets) {
    replace(message); // the last action's result is not this one's
    for (const button of list.querySelectorAll('.bulk button')) button.disabled = true; // one click, one request each
    const results = await Promise.allSettled(targets.map(i =>
      api(`/v1/incidents/${encodeURIComponent(i.id)}/${action}`, {method: 'POST', body: {}})));
    const failed = [];
    results.forEach((r, n) => {
      if (r.status === 'fulfilled') {
        selected.delete(targets[n].id);
        const at = incidents.findIndex(x => x.id === r.value.id);
        if (at >= 0) incidents[at] = r.value;
      } else {
        failed.push(`${targets[n].title || targets[n].rule}: ${r.reason.message}`);
      }
    });
    const ok = targets.length - failed.length;
    replace(message, failed.length === 0
      ? notice(`${done} ${number(ok)} incident${ok === 1 ? '' : 's'}.`, 'success')
      : notice(`${done} ${number(ok)}; ${number(failed.length)} failed: ${failed.join('; ')}`, 'error'));
    reload(); // the server's answer to the list's filters: an acknowledged incident may leave a list of open ones
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
    // Typing filters at once and keeps the text in the address (replaceState: no page change, no reload).
    const search = el('input', {id: 'search', name: 'q', type: 'search', value: filters.q, autocomplete: 'off',
      placeholder: 'Title, rule, agent, group, id', oninput: e => {
        filters.q = e.target.value.trim();
        history.replaceState(null, '', link('/incidents', filters));
        draw();
      }});
    const drills = el('input', {id: 'show-drills', name: 'drills', type: 'checkbox', checked: Boolean(filters.drills),
      onchange: e => go('drills', e.target.checked ? '1' : '')});
    const options = (all, values) => [['', all], ...values.map(v => [v, v])];
    return el('form', {class: 'filters', 'aria-label': 'Filters', onsubmit: e => e.preventDefault()},
      el('div', {class: 'field search'}, el('label', {for: 'search'}, 'Search'), search),
      select('Status', 'status', [['', 'Any status'], ['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']],
        filters.status, v => go('status', v)),
      select('Severity', 'severity', [['', 'Any severity'], ...SEVERITIES.map(s => [s, s[0].toUpperCase() + s.slice(1)])],
        filters.severity, v => go('severity', v)),
      select('Agent', 'agent', options('Any agent', withCurrent(agents, filters.agent)), filters.agent, v => go('agent', v)),
      select('Rule', 'rule', options('Any rule', withCurrent(rules, filters.rule)), filters.rule, v => go('rule', v)),
      select('Detected', 'period', PERIODS, filters.period, v => go('period', v)),
      el('div', {class: 'field check'}, el('label', {for: 'show-drills'}, drills, ' Show drill incidents')),
      Object.values(filters).some(Boolean) ? el('a', {href: '#/incidents', class: 'button secondary'}, 'Clear filters') : null);
  }
}

/** What the search box looks in: title, rule, agent, id, category, group values and labels. */
function searchText(i) {
  return [i.title, i.rule, i.agent, i.id, i.category, ...Object.values(i.group ?? {}), ...Object.values(i.labels ?? {})]
    .filter(Boolean).join(' ').toLowerCase();
}

/**
 * Incidents as a table linking to their pages; rows in {@code fresh} arrived live and are
 * highlighted. With {@code selection} ({selected, all, onChange(ids, on)}) each row has a checkbox.
 */
export function incidentTable(incidents, {fresh = new Set(), empty = 'No incidents.', selection} = {}) {
  const headers = ['Severity', 'Incident', 'Agent', 'Status', 'Count', 'Detected', 'Last seen'];
  if (selection) {
    headers.unshift(el('input', {type: 'checkbox', id: 'select-all', 'aria-label': 'Select every incident shown', checked: selection.all,
      onchange: e => selection.onChange(incidents.map(i => i.id), e.target.checked)}));
  }
  return table(headers,
    incidents.map(i => el('tr', {class: fresh.has(i.id) ? 'fresh' : null, 'data-incident': i.id},
      selection ? el('td', {'data-label': '', class: 'select'}, el('input', {type: 'checkbox', id: `select-${i.id}`,
        'aria-label': `Select ${i.title || i.rule} (${i.agent})`, checked: selection.selected.has(i.id),
        onchange: e => selection.onChange([i.id], e.target.checked)})) : null,
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
