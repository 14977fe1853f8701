// Fleet: every agent, its state and why, today's usage, its open incidents; pause and resume.

import {api} from '../api.js';
import {el, replace, focusView, table, time, number, severityBadge, pageHeader, stat, SEVERITIES} from '../dom.js';
import {refresh, throttle, link} from '../page.js';

export function render(view) {
  // The dialog is mounted once beside the redrawn content: a live reload while it is open must
  // not take it out of the top layer, nor the reason being typed with it.
  const content = el('div');
  const dialog = reasonDialog();
  replace(view, content, dialog.node);
  const reload = () => refresh(content, () => api('/v1/agents'), ({agents}) =>
    replace(content, pageHeader('Fleet'), summary(agents), fleetTable(pausedFirst(agents), dialog.ask)));
  const soon = throttle(reload);
  reload();
  return {
    reload,
    onEvent: soon, // control changes and incidents both change what this page shows
    dispose: () => dialog.node.close?.(),
  };

  function fleetTable(agents, ask) {
    return table(['Agent', 'State', 'Last seen', 'Events today', 'Tokens today', 'Cost today', 'Open incidents', ''],
      agents.map(a => [
        el('div', {}, el('a', {href: link('/incidents', {agent: a.agent})}, a.agent),
          a.owner ? el('div', {class: 'muted small'}, `owner ${a.owner}`) : null),
        stateCell(a),
        time(a.last_seen),
        number(a.events_today),
        number(a.tokens_today),
        `$${number(a.cost_usd_today, 2)}`,
        openIncidents(a.open_incidents),
        a.state === 'paused'
          ? el('button', {type: 'button', class: 'button primary', 'data-action': 'resume', 'data-agent': a.agent,
              onclick: () => ask('resume', a.agent)}, 'Resume…')
          : el('button', {type: 'button', class: 'button danger-outline', 'data-action': 'pause', 'data-agent': a.agent,
              onclick: () => ask('pause', a.agent)}, 'Pause…'),
      ]), {className: 'fleet', empty: 'No agent has reported yet.'});
  }

  function reasonDialog() {
    const input = el('input', {id: 'reason', name: 'reason', type: 'text', required: true, maxlength: 1000, autocomplete: 'off'});
    const title = el('h2', {id: 'reason-title'});
    const error = el('p', {class: 'notice notice-error', role: 'alert', hidden: true});
    const confirm = el('button', {type: 'submit', class: 'button primary'});
    let pending = null;
    const form = el('form', {method: 'dialog', onsubmit: async e => {
      e.preventDefault();
      try {
        await api(`/v1/agents/${encodeURIComponent(pending.agent)}/${pending.action}`, {method: 'POST', body: {reason: input.value}});
        node.close();
        focusView();
        reload();
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
      }
    }},
      title,
      el('label', {for: 'reason'}, 'Reason (kept on the agent\'s control document)'),
      input, error,
      el('div', {class: 'dialog-buttons'},
        el('button', {type: 'button', class: 'button secondary', onclick: () => node.close()}, 'Cancel'),
        confirm));
    const node = el('dialog', {class: 'card', 'aria-labelledby': 'reason-title'}, form);
    return {
      node,
      ask(action, agent) {
        pending = {action, agent};
        replace(title, `${action === 'pause' ? 'Pause' : 'Resume'} ${agent}`);
        replace(confirm, action === 'pause' ? 'Pause agent' : 'Resume agent');
        input.value = '';
        error.hidden = true;
        node.showModal();
        input.focus();
      },
    };
  }
}

/** Paused agents first: they wait for a decision. Otherwise in the server's order (by name). */
function pausedFirst(agents) {
  return [...agents].sort((a, b) => (b.state === 'paused') - (a.state === 'paused'));
}

function stateCell(a) {
  // A playbook's pause names its incident: the reason links to it.
  const reason = a.state === 'paused' && a.paused_by
    ? el('a', {href: `#/incidents/${encodeURIComponent(a.paused_by)}`, class: 'pause-incident'}, a.reason ?? 'paused by an incident')
    : a.reason;
  return el('div', {class: 'state'},
    el('span', {class: `badge state-${a.state}`}, a.state),
    a.telemetry && a.telemetry !== 'normal' ? el('span', {class: 'badge telemetry'}, `telemetry ${a.telemetry}`) : null,
    reason ? el('div', {class: 'muted small reason'}, reason) : null);
}

function openIncidents(bySeverity) {
  const present = SEVERITIES.filter(s => bySeverity?.[s]);
  if (present.length === 0) return el('span', {class: 'muted'}, 'none');
  return el('div', {class: 'chips'}, present.map(s => el('a', {href: link('/incidents', {severity: s}), class: 'chip-link'},
    severityBadge(s), ' ', el('strong', {}, String(bySeverity[s])))));
}

function summary(agents) {
  const paused = agents.filter(a => a.state === 'paused').length;
  const open = Object.fromEntries(SEVERITIES.map(s => [s, agents.reduce((n, a) => n + (a.open_incidents?.[s] ?? 0), 0)]));
  const cost = agents.reduce((n, a) => n + (a.cost_usd_today ?? 0), 0);
  return el('div', {class: 'cards'},
    stat('Agents', number(agents.length), `${agents.length - paused} running`),
    stat('Paused', number(paused), paused ? 'need a decision' : 'none', paused ? 'warn' : ''),
    ...SEVERITIES.map(s => stat(`Open ${s}`, number(open[s]), 'open or acknowledged', open[s] ? `sev-${s}` : '')),
    stat('Cost today', `$${number(cost, 2)}`, 'all agents'));
}
