// The dashboard shell: sign-in, the page router (pages live in the URL's hash, so a link or a
// reload shows the same page), and the live stream that pages subscribe to.

import {key, signIn, signOut, onSignedOut, verify, liveStream} from './api.js';
import {el, replace, notice, focusView} from './dom.js';
import * as fleet from './pages/fleet.js';
import * as incidents from './pages/incidents.js';
import * as incident from './pages/incident.js';
import * as review from './pages/review.js';
import * as weekly from './pages/weekly.js';
import * as rules from './pages/rules.js';
import * as health from './pages/health.js';

const routes = [
  {path: /^\/fleet$/, page: fleet, nav: 'fleet'},
  {path: /^\/incidents$/, page: incidents, nav: 'incidents'},
  {path: /^\/incidents\/([^/]+)$/, page: incident, nav: 'incidents'},
  {path: /^\/review$/, page: review, nav: 'review'},
  {path: /^\/weekly$/, page: weekly, nav: 'weekly'},
  {path: /^\/rules$/, page: rules, nav: 'rules'},
  {path: /^\/health$/, page: health, nav: 'health'},
];

const view = document.getElementById('view');
const live = document.getElementById('live');
let current = null; // the shown page's controller: {onEvent, reload, dispose}, each optional
let stopStream = null;
let streamOpen = false;
// The shown page may lack events: it loaded before the stream subscribed, or the stream dropped since.
let missedEvents = false;

/** The route of the hash; {error} when the hash cannot be read, null when no page has that path. */
function route() {
  const [path, query = ''] = (location.hash.slice(1) || '/fleet').split('?');
  for (const r of routes) {
    const match = r.path.exec(path);
    if (!match) continue;
    try {
      return {...r, id: match[1] ? decodeURIComponent(match[1]) : null, params: new URLSearchParams(query)};
    } catch (e) { // a hand-edited or truncated link: "%E0%A4%A"
      return {error: 'This link is malformed; check the address.'};
    }
  }
  return null;
}

function show() {
  if (!key()) return showSignIn();
  current?.dispose?.();
  current = null;
  replace(view);
  const r = route();
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (r && a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!r || r.error) {
    replace(view, notice(r?.error ?? 'There is no such page.', 'error'));
    return;
  }
  // Each page draws into its own element: a page left while a load or a throttled reload was
  // pending then draws into a detached element, never over the page that replaced it.
  const container = el('div', {class: 'page'});
  replace(view, container);
  current = r.page.render(container, {id: r.id, params: r.params}) ?? null;
  missedEvents = !streamOpen;
  focusView();
}

function setLive(state, message) {
  live.dataset.state = state;
  live.textContent = {live: 'Live', reconnecting: 'Reconnecting…', off: 'Offline', refused: 'Not live'}[state];
  live.title = message ?? '';
  if (message) live.append(`: ${message}`);
}

function startStream() {
  stopStream?.();
  streamOpen = false;
  stopStream = liveStream(
    (type, data) => current?.onEvent?.(type, data),
    (state, message) => {
      setLive(state, message);
      streamOpen = state === 'live';
      if (!streamOpen) missedEvents = true;
      else if (missedEvents) {
        missedEvents = false;
        current?.reload?.();
      }
    });
}

function showSignIn() {
  stopStream?.();
  stopStream = null;
  current?.dispose?.();
  current = null;
  replace(view);
  setLive('off');
  document.body.classList.add('signed-out');
  document.getElementById('sign-in').hidden = false;
  document.getElementById('key').focus();
}

function showApp() {
  document.body.classList.remove('signed-out');
  document.getElementById('sign-in').hidden = true;
  startStream();
  show();
}

document.getElementById('sign-in-form').addEventListener('submit', async e => {
  e.preventDefault();
  const input = document.getElementById('key');
  const error = document.getElementById('sign-in-error');
  const problem = await verify(input.value.trim()).catch(() => 'Vigil cannot be reached; try again.');
  if (problem) {
    error.textContent = problem;
    error.hidden = false;
    return;
  }
  error.hidden = true;
  signIn(input.value.trim());
  input.value = '';
  showApp();
});

document.getElementById('sign-out').addEventListener('click', () => signOut());
onSignedOut(showSignIn);
window.addEventListener('hashchange', show);

if (key()) showApp();
else showSignIn();
