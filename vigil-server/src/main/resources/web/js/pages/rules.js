// Rules: the active rules with their incident counts and flags, and the result of the last reload.

import {api} from '../api.js';
import {el, replace, table, time, number, severityBadge, pageHeader, paragraphs} from '../dom.js';
import {refresh, throttle, link} from '../page.js';

export function render(view) {
  const reload = () => refresh(view, () => api('/v1/rules'), ({rules, last_reload: last}) => replace(view,
    pageHeader('Rules'),
    reloadStatus(last),
    table(['Rule', 'Severity', 'Category', 'Detects', 'Flags', 'Open', 'Last 7 days'], rules.map(r => [
      el('details', {class: 'rule', 'data-key': r.id},
        el('summary', {}, el('span', {class: 'mono'}, r.id), el('div', {class: 'small'}, r.title)),
        el('dl', {class: 'facts small'},
          el('dt', {}, 'Condition'), el('dd', {}, el('code', {}, r.match)),
          r.group_by.length ? [el('dt', {}, 'Grouped by'), el('dd', {}, r.group_by.join(', '))] : null,
          el('dt', {}, 'Source'), el('dd', {}, r.source ?? 'default pack'),
          el('dt', {}, 'Runbook'), el('dd', {class: 'runbook'}, r.runbook ? paragraphs(r.runbook) : '–'))),
      severityBadge(r.severity),
      r.category,
      el('span', {class: 'small'}, r.primitive),
      el('div', {class: 'chips'},
        r.dry_run ? el('span', {class: 'badge flag'}, 'dry run') : null,
        r.enabled ? null : el('span', {class: 'badge status-resolved'}, 'disabled')),
      r.open_incidents ? el('a', {href: link('/incidents', {rule: r.id, status: 'open'})}, number(r.open_incidents)) : '0',
      r.incidents_7d ? el('a', {href: link('/incidents', {rule: r.id})}, number(r.incidents_7d)) : '0',
    ]), {className: 'rules', empty: 'No rules are active.'})));
  reload();
  return {reload, onEvent: throttle(reload, 2000)};
}

function reloadStatus(last) {
  if (last.applied) {
    return el('p', {class: 'notice notice-success', id: 'reload-status'},
      `${number(last.rules)} rules active; last reload applied at `, time(last.at), '.');
  }
  return el('div', {class: 'notice notice-error', id: 'reload-status', role: 'alert'},
    el('p', {}, 'The last reload at ', time(last.at), ` failed; the previous ${number(last.rules)} rules are still running. Errors:`),
    el('ul', {class: 'errors'}, last.errors.map(e => el('li', {class: 'mono'}, e.text))));
}
