// What every page does the same way: show loading, draw, and explain failures in place.

import {replace, notice} from './dom.js';

/**
 * Loads with {@code load()} and draws into {@code view} with {@code draw(result)}. The first
 * load shows "Loading…"; reloads (live updates) keep the old content until the new is ready, and
 * keep what the operator had: the focused control and the open {@code <details>}.
 */
export async function refresh(view, load, draw) {
  if (!view.hasChildNodes()) replace(view, notice('Loading…'));
  try {
    const result = await load();
    keepingState(view, () => draw(result));
  } catch (e) {
    if (e.status === 401) return; // signed out: the sign-in form takes over
    replace(view, notice(`Could not load this page: ${e.message}`, 'error'));
  }
}

/**
 * Redraws {@code view} with {@code redraw()}, then focuses the control that had the focus and
 * reopens the {@code <details data-key>} that were open, found again by what identifies them.
 */
export function keepingState(view, redraw) {
  const focused = view.contains(document.activeElement) ? identity(document.activeElement) : null;
  const open = [...view.querySelectorAll('details[data-key][open]')].map(d => d.dataset.key);
  redraw();
  for (const d of view.querySelectorAll('details[data-key]')) if (open.includes(d.dataset.key)) d.open = true;
  if (focused && !view.contains(document.activeElement)) view.querySelector(focused)?.focus();
}

/** A selector that finds the same control in a redrawn page: its id, its link, or its action on an agent. */
function identity(node) {
  if (node.id) return `#${CSS.escape(node.id)}`;
  if (node.dataset.action) return `[data-action="${CSS.escape(node.dataset.action)}"][data-agent="${CSS.escape(node.dataset.agent ?? '')}"]`;
  const href = node.getAttribute('href');
  return href ? `a[href="${CSS.escape(href)}"]` : null;
}

/**
 * Calls {@code fn} at most once every {@code ms}, and at the latest {@code ms} after the first
 * call asking for it: a burst of live events costs one reload, and a steady storm of events
 * still gets one every {@code ms} (a debounce would wait for a quiet moment that never comes).
 */
export function throttle(fn, ms = 250) {
  let timer = null;
  return () => {
    timer ??= setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

/** The hash of a page with query parameters, leaving out empty ones. */
export function link(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#${path}${query ? '?' + query : ''}`;
}
