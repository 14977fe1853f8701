// Building the page. Everything shown may come from an agent, so this module is the only place
// that creates elements, and it only ever adds text as text nodes: no innerHTML, no markup from
// data, no attribute that could carry script (on* handlers are attached as listeners).

const SVG_NS = 'http://www.w3.org/2000/svg';
const SAFE_ATTRIBUTE = /^(class|id|for|type|name|value|placeholder|href|role|title|colspan|min|max|step|required|disabled|checked|selected|autocomplete|aria-[a-z]+|data-[a-z-]+|tabindex|hidden|open|method|maxlength|datetime|scope)$/;

/** An element: {@code el('a', {href: '#/x', class: 'y'}, 'text', child, ...)}; null children are skipped. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/** An SVG element; attributes are numbers and names computed here, never agent data. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (SAFE_ATTRIBUTE.test(name)) {
      if (name === 'href' && !String(value).startsWith('#')) throw new Error('links stay inside the dashboard');
      node.setAttribute(name, value === true ? '' : String(value));
    } else {
      throw new Error('attribute not allowed: ' + name);
    }
  }
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** Moves the keyboard (and a screen reader) to the page shown, as a page load would: after navigation or an action in a dialog. */
export function focusView() {
  document.getElementById('view').focus({preventScroll: true});
}

/** Most severe first, the order every page lists them in. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'];

/** A severity as colour and word, so it reads without colour too. */
export function severityBadge(severity) {
  const known = SEVERITIES.includes(severity) ? severity : 'unknown';
  return el('span', {class: `badge sev-${known}`}, severity ?? 'unknown');
}

export function statusBadge(status) {
  return el('span', {class: `badge status-${status}`}, status);
}

const LOCAL_TIME = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/**
 * An ISO instant in the browser's time zone, to the second: "Nov 29, 2026, 05:00:12". Hovering
 * shows it in UTC ("2026-11-29 04:00:12 UTC"), for comparing with other tools' logs.
 */
export function time(iso) {
  if (!iso) return el('span', {class: 'muted'}, 'never');
  const d = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1')); // Java writes up to nanoseconds; Date reads milliseconds
  if (Number.isNaN(d.getTime())) return el('span', {}, String(iso));
  const utc = d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return el('time', {datetime: d.toISOString(), title: utc}, LOCAL_TIME.format(d));
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z\b/g;

/** Text with the ISO instants in it ("telemetry verbose until 2026-11-29T05:00:00.123456789Z") shown as {@link time}s. */
export function textWithTimes(text) {
  const parts = [];
  let from = 0;
  for (const match of String(text).matchAll(ISO_INSTANT)) {
    parts.push(text.slice(from, match.index), time(match[0]));
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
  return parts.filter(p => p !== '');
}

/**
 * Prose written in YAML (a runbook) as paragraphs: a blank line starts a new paragraph, and the
 * line breaks inside one are only where the author's editor wrapped, so they become spaces. Lines
 * starting with "-", "*" or "1." are a list, one item each.
 */
export function paragraphs(text) {
  const blocks = String(text).trim().split(/\n\s*\n/);
  return blocks.map(block => {
    const lines = block.split('\n').map(l => l.trim()).filter(Boolean);
    const item = /^([-*]|\d+[.)])\s+/;
    if (lines.length > 0 && lines.every(l => item.test(l))) {
      return el(/^\d/.test(lines[0]) ? 'ol' : 'ul', {}, lines.map(l => el('li', {}, l.replace(item, ''))));
    }
    return el('p', {}, lines.join(' '));
  });
}

export function number(n, digits = 0) {
  if (n === null || n === undefined) return '–';
  return Number(n).toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits});
}

/** A duration in the unit that reads best: 840 ms, 2.5 s, 12 min, 1.5 h. */
export function millis(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${number(ms)} ms`;
  if (ms < 60e3) return `${number(ms / 1000, 1)} s`;
  if (ms < 3600e3) return `${number(ms / 60e3)} min`;
  return `${number(ms / 3600e3, 1)} h`;
}

export function percent(share) {
  return share === null || share === undefined ? '–' : `${number(share * 100, 1)} %`;
}

/** A table with a header row; {@code rows} are arrays of cells (strings or nodes). */
export function table(headers, rows, {caption, empty = 'Nothing to show.', className = ''} = {}) {
  if (rows.length === 0) return el('p', {class: 'empty'}, empty);
  return el('div', {class: 'table-wrap'},
    el('table', {class: className},
      caption ? el('caption', {}, caption) : null,
      el('thead', {}, el('tr', {}, headers.map(h => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, rows.map(row => row instanceof Node ? row : el('tr', {}, row.map((cell, i) =>
        el('td', {'data-label': headers[i]}, cell)))))));
}

/** A heading with optional controls on the right. */
export function pageHeader(title, ...controls) {
  return el('div', {class: 'page-header'}, el('h1', {}, title), el('div', {class: 'controls'}, controls));
}

/** A labelled select; {@code options} are [value, label] pairs. */
export function select(label, name, options, value, onchange) {
  const id = `f-${name}`;
  return el('div', {class: 'field'},
    el('label', {for: id}, label),
    el('select', {id, name, onchange: e => onchange(e.target.value)},
      options.map(([v, text]) => el('option', {value: v, selected: v === value}, text))));
}

/** A message in place of content: loading, empty or failed. */
export function notice(text, kind = 'info') {
  return el('p', {class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text);
}

/** A headline figure: label, value, a line of detail; {@code tone} colours it (warn, sev-critical, ...). */
export function stat(label, value, detail, tone = '') {
  return el('div', {class: `stat ${tone}`}, el('div', {class: 'stat-label'}, label), el('div', {class: 'stat-value'}, value),
    el('div', {class: 'stat-detail'}, detail));
}
