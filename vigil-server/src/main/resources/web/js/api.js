// The v1 API, the operator key and the live stream. The key lives in sessionStorage (gone when
// the tab closes) and travels only in the Authorization header, never in a URL: that is why the
// live stream is read with fetch() and not EventSource, which cannot send headers.

const KEY = 'vigil.operatorKey';
const signedOutListeners = [];

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function key() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  for (const listener of signedOutListeners) listener();
}

/** Called when the key is gone: signed out, or refused by the server (401). */
export function onSignedOut(listener) {
  signedOutListeners.push(listener);
}

function headers(extra = {}) {
  return {Authorization: `Bearer ${key()}`, ...extra};
}

/** Calls the API and returns its JSON; a 401 signs out, other errors throw ApiError with the server's message. */
export async function api(path, {method = 'GET', body} = {}) {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : {'Content-Type': 'application/json'}),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (response.status === 401) {
    signOut();
    throw new ApiError(401, 'Your key was refused. Sign in again.');
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, payload?.error ?? `HTTP ${response.status}`);
  return payload;
}

/** Checks a key before keeping it: true when the server accepts it as an operator's. */
export async function verify(candidate) {
  const response = await fetch('/v1/agents', {headers: {Authorization: `Bearer ${candidate}`}, cache: 'no-store'});
  if (response.ok) return null;
  if (response.status === 401) return 'That key is not known to this Vigil.';
  if (response.status === 403) return 'That key is not an operator key.';
  return `Vigil answered ${response.status}; try again.`;
}

/**
 * Reads GET /v1/stream until stopped, calling {@code onEvent(type, data)} for each event and
 * {@code onState(state, message)} as the connection comes and goes: 'live' once subscribed,
 * 'reconnecting' while retrying, 'refused' (with the server's reason) when this key may not
 * read the stream, which retrying cannot fix. Reconnects with backoff (1 s doubling to 30 s);
 * the backoff starts over only after a stream was really open, so a server that turns the
 * stream away (too many streams) is not asked again every second.
 */
export function liveStream(onEvent, onState) {
  const controller = new AbortController();
  let delay = 1000;

  async function connect() {
    while (!controller.signal.aborted && key()) {
      try {
        const response = await fetch('/v1/stream', {
          headers: headers({Accept: 'text/event-stream'}),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          signOut();
          return;
        }
        if (response.status === 403) {
          const payload = await response.json().catch(() => null);
          onState('refused', payload?.error ?? 'This key may not read the live stream.');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        await readEvents(response.body, onEvent, () => {
          delay = 1000;
          onState('live');
        });
      } catch (e) {
        if (controller.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise(resolve => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }

  connect();
  return () => controller.abort();
}

/**
 * Parses the text/event-stream format line by line: "event:" and "data:" fields, a blank line
 * ends an event, ":" starts a comment. {@code onOpen} runs at the server's ": connected"
 * comment, sent once this client is subscribed: from then on no event is missed. Anything else
 * first (a stream turned away explains why in a comment, then ends) is not an open stream.
 */
async function readEvents(body, onEvent, onOpen) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let partial = '';
  let type = 'message';
  let data = [];
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    const lines = (partial + value).split(/\r?\n/);
    partial = lines.pop(); // an unfinished line waits for the next chunk
    for (const line of lines) {
      if (line === '') {
        if (data.length) dispatch(onEvent, type, data.join('\n'));
        type = 'message';
        data = [];
      } else if (line === ': connected') {
        onOpen();
      } else if (line.startsWith('event:')) {
        type = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
  }
}

function dispatch(onEvent, type, text) {
  try {
    onEvent(type, JSON.parse(text));
  } catch (e) {
    console.warn('a live event could not be handled', e);
  }
}
