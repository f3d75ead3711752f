// Berth's dashboard: plain JavaScript over the REST API, no build step.
// Logged in by an HttpOnly cookie (POST /api/v1/login); every call sends X-Requested-By, without
// which the API refuses the cookie (so other sites cannot ride it). Text from the server is only
// ever put into the page with textContent, never as HTML.
'use strict';

const POLL_MS = 2500;
const state = {
  me: null,
  sessions: [],
  templates: [],
  selected: null,
  noted: null, // the session the create form's note (its status and token) is about
  busy: new Set(), // session ids with an action under way
  confirmDelete: new Map(), // session id -> time the first click happened
  timer: null,
  detailTimer: null,
};

const $ = (id) => document.getElementById(id);

async function call(method, path, body, { text = false } = {}) {
  const headers = { 'X-Requested-By': 'berth-dashboard' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  let data = raw;
  if (!text && raw) {
    try { data = JSON.parse(raw); } catch { data = raw; }
  }
  if (!res.ok) {
    const message = (data && data.error && data.error.message) || `HTTP ${res.status}`;
    const error = new Error(message);
    error.status = res.status;
    error.data = data;
    throw error;
  }
  return data;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d`;
}

function isAdmin() {
  return state.me && state.me.role === 'admin';
}

// ---- login ----------------------------------------------------------------------------------

function showLogin(message = '') {
  stopPolling();
  if (typeof closeTerminal === 'function') closeTerminal(); // terminal.js
  state.me = null;
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('who').hidden = true;
  $('logout').hidden = true;
  $('login-error').textContent = message;
  $('token').focus();
}

async function showApp(me) {
  state.me = me;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').hidden = false;
  $('who').textContent = me.role === 'admin' ? 'admin' : `session ${me.session}`;
  $('logout').hidden = false;
  $('create-card').hidden = !isAdmin();
  if (isAdmin()) await loadCreateForm();
  await refresh();
  startPolling();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('login');
  button.disabled = true;
  $('login-error').textContent = '';
  try {
    const me = await call('POST', '/api/v1/login', { token: $('token').value.trim() });
    $('token').value = '';
    await showApp(me);
  } catch (e) {
    $('login-error').textContent = e.status === 401 ? 'That token is not valid.' : e.message;
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try { await call('POST', '/api/v1/logout'); } catch { /* logged out either way */ }
  showLogin();
});

// ---- creating -------------------------------------------------------------------------------

async function loadCreateForm() {
  const [templates, health] = await Promise.all([
    call('GET', '/api/v1/templates'),
    call('GET', '/api/v1/health'),
  ]);
  state.templates = templates;
  const select = $('create-template');
  select.replaceChildren(...templates.map((t) => el('option', { value: t.name }, t.name)));
  const withApp = templates.find((t) => t.ports && t.ports.length > 0);
  if (withApp) select.value = withApp.name;
  const backends = $('create-backend');
  backends.replaceChildren(
    el('option', { value: '' }, `default (${health.defaultBackend})`),
    ...health.backends.map((b) => el('option', { value: b }, b)),
  );
  describeTemplate();
}

function describeTemplate() {
  const t = state.templates.find((x) => x.name === $('create-template').value);
  if (!t) { $('create-template-info').textContent = ''; return; }
  const parts = [t.description || 'no description'];
  parts.push(t.ports && t.ports.length ? `ports ${t.ports.join(', ')}` : 'no app');
  if (t.backend) parts.push(`backend ${t.backend}`);
  $('create-template-info').textContent = parts.join(' · ');
}
$('create-template').addEventListener('change', describeTemplate);

$('create-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('create');
  const message = $('create-message');
  const body = { template: $('create-template').value };
  const id = $('create-id').value.trim();
  if (id) body.id = id;
  if ($('create-backend').value) body.backend = $('create-backend').value;
  button.disabled = true;
  message.className = 'message';
  state.noted = null;
  message.replaceChildren(`Creating ${id || 'a session'} from ${body.template}… (waits until it is ready)`);
  refreshSoon();
  try {
    const created = await call('POST', '/api/v1/sessions', body);
    const s = created.session;
    message.replaceChildren(
      el('span', {}, `Session ${s.id} is `),
      el('span', { class: `status ${s.status}` }, s.status),
      s.statusReason ? el('span', { class: 'error' }, ` ${s.statusReason}`) : '',
      el('span', { class: 'muted small' }, ' · its session token (shown once): '),
      el('code', { id: 'created-token' }, created.token),
    );
    $('create-id').value = '';
    state.noted = s.id;
    await refresh();
  } catch (e) {
    message.className = 'message error';
    message.textContent = e.message;
  } finally {
    button.disabled = false;
  }
});

// ---- the session list -----------------------------------------------------------------------

async function refresh() {
  try {
    state.sessions = await call('GET', '/api/v1/sessions');
    $('live').classList.remove('stale');
    $('live').textContent = 'live';
    render();
  } catch (e) {
    if (e.status === 401) { showLogin('Your login has ended; log in again.'); return; }
    $('live').classList.add('stale');
    $('live').textContent = `not updating: ${e.message}`;
  }
}

let soon = null;
function refreshSoon() {
  clearTimeout(soon);
  soon = setTimeout(refresh, 400);
}

function startPolling() {
  stopPolling();
  state.timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
}

function stopPolling() {
  clearInterval(state.timer);
  clearInterval(state.detailTimer);
  state.timer = null;
  state.detailTimer = null;
}

function render() {
  const tbody = $('sessions').querySelector('tbody');
  tbody.replaceChildren(...state.sessions.map(row));
  $('empty').hidden = state.sessions.length > 0;
  // The "Session X is RUNNING · token" note is about a session that exists: it goes with it,
  // whoever deleted it.
  if (state.noted && !state.sessions.some((s) => s.id === state.noted)) clearNote();
  if (state.selected && !state.sessions.some((s) => s.id === state.selected)) closeDetail();
}

function row(s) {
  const busy = state.busy.has(s.id);
  const ports = Object.keys(s.endpoints || {});
  const actions = [];
  if (s.status === 'RUNNING' && ports.length > 0) {
    actions.push(el('button', { class: 'primary', dataset: { action: 'open' }, disabled: busy, onclick: () => openSession(s.id) }, 'Open'));
  }
  if (s.status === 'RUNNING') {
    actions.push(el('button', { dataset: { action: 'terminal' }, disabled: busy, title: 'a shell in the session', onclick: () => openTerminal(s.id) }, 'Terminal'));
  }
  if (isAdmin()) {
    if (s.status === 'RUNNING' || s.status === 'STARTING') {
      actions.push(el('button', { dataset: { action: 'stop' }, disabled: busy, onclick: () => lifecycle(s.id, 'stop') }, 'Stop'));
    }
    if (s.status === 'STOPPED' || s.status === 'FAILED') {
      actions.push(el('button', { dataset: { action: 'start' }, disabled: busy, onclick: () => lifecycle(s.id, 'start') }, 'Start'));
    }
    const confirming = state.confirmDelete.has(s.id);
    actions.push(el('button', {
      class: confirming ? 'danger confirm' : 'danger',
      dataset: { action: 'delete' },
      disabled: busy,
      onclick: () => deleteSession(s.id),
    }, confirming ? 'Really delete?' : 'Delete'));
  }
  actions.push(el('button', { class: 'quiet', dataset: { action: 'details' }, onclick: () => openDetail(s.id) }, 'Details'));
  return el('tr', { dataset: { session: s.id }, class: state.selected === s.id ? 'selected' : '' },
    el('td', { class: 'id' }, el('a', { href: '#', onclick: (e) => { e.preventDefault(); openDetail(s.id); } }, s.id)),
    el('td', {}, s.template),
    el('td', {}, s.backend),
    el('td', {},
      el('span', { class: `status ${s.status}`, title: s.statusReason || '' }, busy ? `${s.status}…` : s.status),
      // A failed session's reason is what the reader needs next: shown, not only a tooltip.
      s.status === 'FAILED' && s.statusReason ? el('div', { class: 'status-reason error' }, s.statusReason) : ''),
    el('td', { title: s.createdAt }, ago(s.createdAt)),
    el('td', { title: s.lastActivityAt }, ago(s.lastActivityAt)),
    el('td', { class: 'mono small' }, ports.length === 0 ? el('span', { class: 'muted' }, '—') :
      ports.map((p, i) => el('a', {
        href: '#',
        title: `open port ${p} through the proxy (${s.endpoints[p]} on the Berth host)`,
        onclick: (e) => { e.preventDefault(); if (s.status === 'RUNNING') openSession(s.id, i === 0 ? null : p); },
      }, p, i < ports.length - 1 ? ' ' : ''))),
    el('td', {}, el('div', { class: 'actions' }, actions)),
  );
}

/**
 * Opens the session's app in a new tab through a one-time login link, so no token ever sits in
 * an address or the browser's history. The tab is opened first (in the click) so popup blockers
 * let it through, then sent to the link.
 */
async function openSession(id, port = null) {
  const tab = window.open('about:blank', '_blank');
  try {
    const link = await call('POST', `/api/v1/sessions/${encodeURIComponent(id)}/login-link`);
    // The link's url is on the session's own host when Berth gives each app an origin of its own.
    const target = new URL(link.url || link.path, location.href);
    if (port) target.pathname = target.pathname.replace(`/s/${id}/`, `/s/${id}/port/${port}/`);
    const url = target.href;
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else {
      location.href = url;
    }
  } catch (e) {
    if (tab) tab.close();
    flash(`Could not open ${id}: ${e.message}`);
  }
}

async function lifecycle(id, action) {
  state.busy.add(id);
  render();
  try {
    const s = await call('POST', `/api/v1/sessions/${encodeURIComponent(id)}/${action}`);
    if (s.status === 'FAILED') flash(`${id}: ${s.statusReason || 'failed'}`);
  } catch (e) {
    flash(`${action} ${id}: ${e.message}`);
  } finally {
    state.busy.delete(id);
    await refresh();
    if (state.selected === id) loadDetail();
  }
}

async function deleteSession(id) {
  if (!state.confirmDelete.has(id)) {
    state.confirmDelete.set(id, Date.now());
    render();
    setTimeout(() => { if (state.confirmDelete.delete(id)) render(); }, 4000);
    return;
  }
  state.confirmDelete.delete(id);
  state.busy.add(id);
  render();
  try {
    showReceipt(id, await call('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`));
  } catch (e) {
    if (e.data && e.data.receipt) showReceipt(id, e.data.receipt, e.message);
    else flash(`delete ${id}: ${e.message}`);
  } finally {
    state.busy.delete(id);
    await refresh();
  }
}

function showReceipt(id, receipt, problem = '') {
  $('receipt-card').hidden = false;
  $('receipt-title').textContent = `Cleanup receipt for ${id}`;
  const removed = receipt.removed || [];
  const failed = receipt.failed || [];
  $('receipt-summary').textContent = problem ||
    (removed.length === 0 && failed.length === 0
      ? 'Nothing was left to remove.'
      : `Removed ${removed.length} resource(s) on ${receipt.backend}` +
        (failed.length ? `; ${failed.length} could not be removed (delete again to retry).` : '.'));
  $('receipt-items').replaceChildren(
    ...removed.map((r) => el('li', { class: 'removed' }, `${r.kind} `, el('code', {}, r.name))),
    ...failed.map((r) => el('li', { class: 'failed' }, `${r.kind} `, el('code', {}, r.name), ` — ${r.reason}`)),
  );
  $('receipt-card').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}
$('receipt-close').addEventListener('click', () => { $('receipt-card').hidden = true; });

function clearNote() {
  state.noted = null;
  $('create-message').className = 'message';
  $('create-message').replaceChildren();
}

function flash(text) {
  state.noted = null;
  const message = $('create-message');
  if (isAdmin()) {
    message.className = 'message error';
    message.textContent = text;
  } else {
    window.alert(text);
  }
}

// ---- details: events and log ----------------------------------------------------------------

function openDetail(id) {
  state.selected = id;
  $('detail-card').hidden = false;
  $('detail-title').textContent = `Session ${id}`;
  $('events').replaceChildren();
  $('log').textContent = '';
  render();
  loadDetail();
  clearInterval(state.detailTimer);
  state.detailTimer = setInterval(() => { if (!document.hidden) loadEvents(); }, POLL_MS);
  $('detail-card').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

function closeDetail() {
  state.selected = null;
  clearInterval(state.detailTimer);
  $('detail-card').hidden = true;
  render();
}
$('detail-close').addEventListener('click', closeDetail);
$('log-refresh').addEventListener('click', () => loadLog());

function loadDetail() {
  loadEvents();
  loadLog();
}

async function loadEvents() {
  const id = state.selected;
  if (!id) return;
  try {
    const events = await call('GET', `/api/v1/sessions/${encodeURIComponent(id)}/events?limit=1000`);
    if (state.selected !== id) return;
    const s = state.sessions.find((x) => x.id === id);
    $('detail-reason').textContent = s && s.statusReason ? s.statusReason : '';
    $('events').replaceChildren(...events.slice().reverse().map((e) => el('li', {},
      el('span', { class: 'at', title: e.at }, new Date(e.at).toLocaleTimeString()),
      el('span', { class: 'type' }, e.type),
      el('span', {}, e.message, e.data && e.type === 'log' ? el('pre', { class: 'log' }, e.data) : ''),
    )));
  } catch (e) {
    $('events').replaceChildren(el('li', { class: 'error' }, e.message));
  }
}

async function loadLog() {
  const id = state.selected;
  if (!id) return;
  try {
    const text = await call('GET', `/api/v1/sessions/${encodeURIComponent(id)}/logs?lines=200`, undefined, { text: true });
    if (state.selected === id) {
      const log = $('log');
      log.textContent = text || '(no output yet)';
      log.scrollTop = log.scrollHeight; // the newest lines matter most
    }
  } catch (e) {
    if (state.selected === id) $('log').textContent = e.message;
  }
}

// ---- start ----------------------------------------------------------------------------------

(async () => {
  try {
    await showApp(await call('GET', '/api/v1/me'));
  } catch (e) {
    showLogin(e.status === 401 ? '' : e.message);
  }
})();
