// One incident: what happened to it (timeline), why (evidence events, the rule and its runbook),
// and what the operator can do (acknowledge, resolve, feedback).

import {api} from '../api.js';
import {el, replace, time, textWithTimes, paragraphs, number, millis, severityBadge, statusBadge, notice, SEVERITIES} from '../dom.js';
import {refresh, throttle, link} from '../page.js';

export function render(view, {id}) {
  const path = `/v1/incidents/${encodeURIComponent(id)}`;
  const message = el('div', {id: 'action-message', 'aria-live': 'polite'});
  // The parts a reload redraws. The feedback form is built once, at the first load, and never
  // redrawn: a live update must not erase a note being typed. The rule (its runbook) does not
  // change with the incident, so the rules are fetched once too.
  const slots = {header: el('div'), main: el('div', {class: 'detail-main'}), facts: el('div'), lastFeedback: el('div')};
  let rule;
  const openEvents = new Set(); // the evidence events expanded (their ids): a live reload keeps them open
  const reload = () => refresh(view,
    async () => {
      const incident = await api(path);
      if (rule === undefined) rule = (await api('/v1/rules')).rules.find(r => r.id === incident.rule) ?? null;
      return incident;
    },
    incident => {
      if (!view.contains(slots.header)) {
        replace(view,
          el('p', {class: 'breadcrumb'}, el('a', {href: '#/incidents'}, '← Incidents')),
          slots.header, message,
          el('div', {class: 'detail-grid'}, slots.main,
            el('aside', {class: 'detail-side'}, slots.facts, feedbackForm(incident), ruleCard(rule))));
      }
      replace(slots.header, header(incident));
      replace(slots.main, timeline(incident), evidence(incident, openEvents));
      replace(slots.facts, facts(incident));
      replace(slots.lastFeedback, lastFeedback(incident));
    });
  const soon = throttle(reload);
  reload();

  return {
    reload,
    onEvent(type, data) {
      if (type === 'incident' && data.incident.id === id) soon();
    },
  };

  /** Runs an action, then shows the incident as the server now has it. */
  async function act(label, request) {
    try {
      await request();
      replace(message, notice(`${label}.`, 'success'));
      reload();
    } catch (e) {
      replace(message, notice(`${label} failed: ${e.message}`, 'error'));
    }
  }

  function header(i) {
    const buttons = [];
    if (i.status === 'open') {
      buttons.push(el('button', {type: 'button', class: 'button primary', id: 'acknowledge',
        onclick: () => act('Acknowledged', () => api(`${path}/ack`, {method: 'POST', body: {}}))}, 'Acknowledge'));
    }
    if (i.status !== 'resolved') {
      buttons.push(el('button', {type: 'button', class: 'button secondary', id: 'resolve',
        onclick: () => act('Resolved', () => api(`${path}/resolve`, {method: 'POST', body: {}}))}, 'Resolve'));
    }
    return el('div', {class: 'page-header incident-header'},
      el('div', {},
        el('div', {class: 'badges'}, severityBadge(i.severity), statusBadge(i.status),
          i.escalated ? el('span', {class: 'badge flag'}, 'escalated') : null,
          i.dry_run ? el('span', {class: 'badge flag'}, 'dry run') : null,
          i.drill ? el('span', {class: 'badge flag'}, 'drill') : null),
        el('h1', {}, i.title || i.rule),
        el('p', {class: 'muted'}, 'Agent ', el('a', {href: link('/incidents', {agent: i.agent})}, i.agent), ` · ${i.category} · `,
          `fired ${number(i.count)} time${i.count === 1 ? '' : 's'}`)),
      el('div', {class: 'controls'}, buttons));
  }

  function feedbackForm(i) {
    const verdict = el('select', {id: 'verdict', name: 'verdict'},
      el('option', {value: 'true_positive', selected: i.feedback?.verdict !== 'false_positive'}, 'True positive: a real problem'),
      el('option', {value: 'false_positive', selected: i.feedback?.verdict === 'false_positive'}, 'False positive: nothing wrong'));
    const right = el('select', {id: 'right-severity', name: 'severity'},
      SEVERITIES.map(s => el('option', {value: s, selected: s === (i.feedback?.severity ?? i.severity)}, s)));
    const note = el('input', {id: 'feedback-note', name: 'note', type: 'text', maxlength: 4096, autocomplete: 'off'});
    return el('section', {class: 'card'},
      el('h2', {}, 'Feedback'),
      slots.lastFeedback,
      el('form', {class: 'stack', onsubmit: e => {
        e.preventDefault();
        act('Feedback recorded', async () => {
          await api(`${path}/feedback`, {method: 'POST', body: {verdict: verdict.value, severity: right.value, note: note.value || undefined}});
          note.value = '';
        });
      }},
        el('label', {for: 'verdict'}, 'Verdict'), verdict,
        el('label', {for: 'right-severity'}, 'The right severity'), right,
        el('label', {for: 'feedback-note'}, 'Note (optional)'), note,
        el('button', {type: 'submit', class: 'button secondary', id: 'send-feedback'}, 'Send feedback')));
  }
}

function lastFeedback(i) {
  return i.feedback
    ? el('p', {class: 'small'}, `Last verdict: ${i.feedback.verdict.replace('_', ' ')}, right severity ${i.feedback.severity}, by ${i.feedback.actor} at `,
      time(i.feedback.at))
    : el('p', {class: 'muted small'}, 'Was this incident right? Feedback tunes the rules and feeds the response statistics.');
}

function facts(i) {
  const rows = [
    ['Incident', i.id],
    ['Rule', el('a', {href: link('/incidents', {rule: i.rule})}, i.rule)],
    ['Group', Object.entries(i.group ?? {}).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ') || '–'], // an event without a run groups under run=""
    ['First seen', time(i.first_seen)],
    ['Last seen', time(i.last_seen)],
    ['Detected', time(i.detected_at)],
    ['Detection latency', millis(i.detection_latency_ms)],
    ['Ticket', i.ticket ?? '–'],
  ];
  return el('section', {class: 'card'}, el('h2', {}, 'Facts'),
    el('dl', {class: 'facts'}, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
}

/** Timeline types by tone: what failed is red, what worked green, what people did blue. */
const TONE = {
  detected: 'detect', escalated: 'bad', action_failed: 'bad', action_succeeded: 'good', reverted: 'good',
  acknowledged: 'human', resolved: 'good', feedback: 'human',
};

function timeline(i) {
  return el('section', {class: 'card'}, el('h2', {}, 'Timeline'),
    el('ol', {class: 'timeline', id: 'timeline'}, i.timeline.map(t =>
      el('li', {class: `tl-${TONE[t.type] ?? 'neutral'}`, 'data-type': t.type},
        el('div', {class: 'tl-head'}, el('strong', {}, sentence(t.type)), ' ', el('span', {class: 'muted small'}, 'by ', t.actor ?? 'vigil'),
          el('span', {class: 'tl-time'}, time(t.at))),
        t.detail ? el('div', {class: 'tl-detail'}, textWithTimes(t.detail)) : null))));
}

/** "action_succeeded" reads "Action succeeded". */
function sentence(type) {
  const words = type.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The events that made the rule fire, one compact row each (time, kind, tool or model, status,
 * error), each expandable to the whole event. Vigil keeps the first and the most recent ones
 * (detection.max_evidence); when it fired more often than that, the heading says how many are shown.
 */
function evidence(i, openEvents) {
  const kept = i.evidence.length;
  const reason = i.timeline.find(t => t.type === 'detected')?.detail;
  const fired = i.count === 1 ? 'once' : `${number(i.count)} times`;
  let shown = '';
  if (kept < i.count) {
    shown = kept === 1 ? ` Showing the first of ${number(i.count)}.`
      : ` Showing the first and the ${number(kept - 1)} most recent of ${number(i.count)}: Vigil keeps ${number(kept)} per incident.`;
  }
  const columns = ['Time', 'Kind', 'Tool / model', 'Status', 'Error'];
  return el('section', {class: 'card'},
    el('h2', {}, `Evidence (${kept < i.count ? `${number(kept)} of ${number(i.count)}` : number(kept)} event${i.count === 1 ? '' : 's'})`),
    el('p', {class: 'muted small', id: 'evidence-summary'},
      `The rule fired ${fired}${reason ? ` (first: ${reason})` : ''}; each row is the event that made it fire that time.${shown}`),
    el('div', {class: 'table-wrap'}, el('table', {class: 'evidence', id: 'evidence'},
      el('thead', {}, el('tr', {}, columns.map(c => el('th', {scope: 'col'}, c)))),
      i.evidence.map((e, n) => eventRows(e, n, openEvents)))));
}

/** One evidence event: its summary row, and the whole event in a row below, shown on demand. */
function eventRows(e, n, openEvents) {
  const key = e.id ?? n; // an event's id stays its own as older evidence makes room for newer
  const open = openEvents.has(key);
  const whole = el('tr', {class: 'event-json', id: `event-${n}`, hidden: !open},
    el('td', {colspan: 5, 'data-label': ''}, el('pre', {class: 'json'}, JSON.stringify(e, null, 2))));
  const toggle = el('button', {type: 'button', class: 'event-toggle', id: `event-toggle-${n}`, 'aria-expanded': String(open),
    'aria-controls': `event-${n}`, title: 'Show the whole event', onclick: () => {
      const opening = whole.hidden;
      whole.hidden = !opening;
      toggle.setAttribute('aria-expanded', String(opening));
      if (opening) openEvents.add(key); else openEvents.delete(key);
    }}, time(e.ts));
  const error = e.error ? [e.error.type, e.error.message].filter(Boolean).join(': ') : '';
  return el('tbody', {class: 'event', 'data-event': n},
    el('tr', {class: 'event-row'},
      el('td', {'data-label': 'Time'}, toggle),
      el('td', {'data-label': 'Kind'}, el('span', {class: 'mono'}, e.kind ?? 'event')),
      el('td', {'data-label': 'Tool / model'}, e.tool ?? e.model ?? el('span', {class: 'muted'}, '–')),
      el('td', {'data-label': 'Status'}, e.status ?? el('span', {class: 'muted'}, '–')),
      el('td', {'data-label': 'Error', class: 'event-error'}, error ? clip(error, 160) : el('span', {class: 'muted'}, '–'))),
    whole);
}

/** At most {@code max} characters, the rest behind "…"; the whole text is in the expanded event. */
function clip(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function ruleCard(rule) {
  if (!rule) return el('section', {class: 'card'}, el('h2', {}, 'Rule'), notice('This rule is no longer active.'));
  return el('section', {class: 'card', id: 'rule'}, el('h2', {}, 'Rule ', el('span', {class: 'mono'}, rule.id)),
    el('p', {}, rule.title),
    rule.description ? el('p', {class: 'muted small'}, rule.description) : null,
    el('p', {class: 'small'}, 'Condition: ', el('code', {}, rule.match)),
    el('h3', {}, 'Runbook'),
    rule.runbook ? el('div', {class: 'runbook', id: 'runbook'}, paragraphs(rule.runbook)) : el('p', {class: 'muted'}, 'This rule has no runbook text.'));
}
