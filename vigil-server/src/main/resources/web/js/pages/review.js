// Review queue: medium incidents (and escalations) awaiting review, in the digest batches they joined.

import {api} from '../api.js';
import {el, replace, time, pageHeader, notice} from '../dom.js';
import {refresh, throttle} from '../page.js';
import {incidentTable} from './incidents.js';

export function render(view) {
  const reload = () => refresh(view, () => api('/v1/review'), ({batches}) => replace(view,
    pageHeader('Review queue'),
    el('p', {class: 'muted'}, 'Medium-severity incidents and failed automatic recoveries, batched into the digests sent to reviewers. They leave the queue once resolved.'),
    batches.length === 0 ? notice('The review queue is empty.') : batches.map(b => el('section', {class: 'card batch'},
      el('h2', {}, 'Batch ', time(b.batch_start), ' – ', time(b.batch_end),
        el('span', {class: 'muted small'}, ` · ${b.incidents.length} incident${b.incidents.length === 1 ? '' : 's'}`)),
      incidentTable(b.incidents)))));
  reload();
  return {reload, onEvent: throttle(reload)};
}
