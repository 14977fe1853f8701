// What every page does the same way: show loading, draw, and explain failures in place.

import {replace, notice} from './dom.js';

/**
 * Loads with {@code load()} and draws into {@code view} with {@code draw(result)}. The first
 * load shows "Loading…"; reloads (live updates) keep the old content until the new is ready, so
 * the page never flickers or loses the keyboard focus for nothing.
 */
export async function refresh(view, load, draw) {
  if (!view.hasChildNodes()) replace(view, notice('Loading…'));
  try {
    const result = await load();
    draw(result);
  } catch (e) {
    if (e.status === 401) return; // signed out: the sign-in form takes over
    replace(view, notice(`Could not load this page: ${e.message}`, 'error'));
  }
}

/** Calls {@code fn} once things settle, at most every {@code ms}: a burst of live events costs one reload. */
export function debounce(fn, ms = 250) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/** The hash of a page with query parameters, leaving out empty ones. */
export function link(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#${path}${query ? '?' + query : ''}`;
}
