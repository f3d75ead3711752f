// The dashboard's terminal: a shell in a session, in xterm.js (vendored under /ui/vendor/xterm/,
// loaded on first use so the session list stays light). It starts a process with a terminal and
// open stdin (POST .../processes), attaches to it with a WebSocket (one channel byte per binary
// message, docs/api.md) and pipes keys in and output out. The socket rides the dashboard's login
// cookie: Berth lets it in because the page is its own (Origin), no header is needed.
//
// Closing the panel ends the shell (kill), as closing a terminal window does: a shell nobody can
// reach again from here would only hold one of the session's 64 process slots. Uses call() and
// $() from dashboard.js.
'use strict';

const TERMINAL = {
  shell: ['/bin/sh'], // no template names a shell yet; /bin/sh is in every image Berth runs
  channel: { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, skipped: 7 },
  current: null, // { session, pid, term, fit, socket, observer }
  assets: null, // the promise of xterm.js and its fit addon being loaded
};

function loadTerminalAssets() {
  if (TERMINAL.assets) return TERMINAL.assets;
  const base = '/ui/vendor/xterm/';
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = `${base}xterm.css`;
  document.head.append(css);
  const script = (name) => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = base + name;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${base}${name}`));
    document.head.append(s);
  });
  TERMINAL.assets = script('xterm.js').then(() => script('addon-fit.js'))
    .catch((e) => { TERMINAL.assets = null; throw e; });
  return TERMINAL.assets;
}

function terminalState(text, kind = '') {
  const s = $('terminal-state');
  s.className = `small ${kind || 'muted'}`;
  s.textContent = text;
}

function frame(channel, bytes) {
  const out = new Uint8Array(bytes.length + 1);
  out[0] = channel;
  out.set(bytes, 1);
  return out;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Opens a terminal on session {@code id} in the panel, ending the one open before. */
async function openTerminal(id) {
  closeTerminal();
  const card = $('terminal-card');
  card.hidden = false;
  $('terminal-title').textContent = `Terminal: ${id}`;
  $('terminal-size').textContent = '';
  terminalState('starting…');
  card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  const mine = { session: id };
  TERMINAL.current = mine;
  try {
    await loadTerminalAssets();
  } catch (e) {
    terminalState(e.message, 'error');
    return;
  }
  if (TERMINAL.current !== mine) return; // closed (or another opened) while loading
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 5000,
    rightClickSelectsWord: true,
    theme: { background: '#0f141c' }, // the frame's, so the box has no seam
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  const box = $('terminal');
  box.replaceChildren();
  term.open(box);
  fit.fit();
  Object.assign(mine, { term, fit });
  showSize(term);
  term.attachCustomKeyEventHandler((e) => clipboardKeys(term, e));

  let p;
  try {
    p = await call('POST', `/api/v1/sessions/${encodeURIComponent(id)}/processes`, {
      command: TERMINAL.shell,
      tty: { cols: term.cols, rows: term.rows },
      openStdin: true,
      env: { TERM: 'xterm-256color' },
    });
  } catch (e) {
    if (TERMINAL.current === mine) terminalState(`could not start a shell: ${e.message}`, 'error');
    return;
  }
  mine.pid = p.id;
  if (TERMINAL.current !== mine) { killProcess(id, p.id); return; }

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/api/v1/sessions/${encodeURIComponent(id)}/processes/${encodeURIComponent(p.id)}/attach`);
  socket.binaryType = 'arraybuffer';
  mine.socket = socket;
  const send = (channel, bytes) => { if (socket.readyState === WebSocket.OPEN) socket.send(frame(channel, bytes)); };
  const resize = (size) => send(TERMINAL.channel.resize, utf8.encode(JSON.stringify(size)));

  socket.onopen = () => {
    terminalState(`connected · ${p.id}`, 'ok');
    resize({ cols: term.cols, rows: term.rows }); // a fit between the start and now
    term.focus();
  };
  socket.onmessage = (m) => {
    const data = new Uint8Array(m.data);
    const payload = data.subarray(1);
    switch (data[0]) {
      case TERMINAL.channel.stdout:
      case TERMINAL.channel.stderr:
        term.write(payload);
        break;
      case TERMINAL.channel.skipped:
        term.write(`\r\n[berth: ${JSON.parse(fromUtf8.decode(payload)).skipped} bytes of output were no longer kept]\r\n`);
        break;
      case TERMINAL.channel.exit: {
        const end = JSON.parse(fromUtf8.decode(payload));
        mine.ended = true;
        const how = end.exitCode === null ? 'ended' : `exited with code ${end.exitCode}`;
        terminalState(`${how}${end.endedBy ? ` (${end.endedBy})` : ''}`, end.exitCode === 0 ? 'muted' : 'error');
        break;
      }
      default:
        break;
    }
  };
  socket.onclose = (e) => {
    if (TERMINAL.current === mine && !mine.ended) {
      terminalState(`disconnected${e.reason ? `: ${e.reason}` : ''}`, 'error');
    }
  };
  term.onData((d) => send(TERMINAL.channel.stdin, utf8.encode(d)));
  // Some mouse reports are bytes that are not UTF-8: one char code per byte.
  term.onBinary((d) => send(TERMINAL.channel.stdin, Uint8Array.from(d, (c) => c.charCodeAt(0) & 0xff)));
  term.onResize((size) => { resize(size); showSize(term); });
  // The panel follows the window (its height is a share of the viewport), so refit on any change.
  const observer = new ResizeObserver(() => requestAnimationFrame(() => {
    if (TERMINAL.current === mine) fit.fit();
  }));
  observer.observe(box);
  mine.observer = observer;
}

function showSize(term) {
  $('terminal-size').textContent = `${term.cols} × ${term.rows}`;
}

/**
 * Copy and paste as in desktop terminals, where Ctrl+C and Ctrl+V belong to the shell:
 * Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's own paste, which xterm.js
 * takes in). The right-click menu's Copy and Paste work too (xterm.js readies them).
 */
function clipboardKeys(term, e) {
  if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
  const key = e.key.toLowerCase();
  if (key === 'c') {
    e.preventDefault();
    if (term.hasSelection()) {
      const text = term.getSelection();
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text);
      else document.execCommand('copy'); // xterm.js answers the copy event with its selection
    }
    return false;
  }
  if (key === 'v') return false; // not ^V to the shell: let the browser paste
  return true;
}

function killProcess(session, pid) {
  // keepalive: the kill still goes out when the page is being closed.
  fetch(`/api/v1/sessions/${encodeURIComponent(session)}/processes/${encodeURIComponent(pid)}/kill`, {
    method: 'POST',
    headers: { 'X-Requested-By': 'berth-dashboard' },
    credentials: 'same-origin',
    keepalive: true,
  }).catch(() => { /* the session may be gone; its processes went with it */ });
}

/** Closes the panel: detaches, ends the shell (unless it ended) and forgets the terminal. */
function closeTerminal() {
  const t = TERMINAL.current;
  TERMINAL.current = null;
  $('terminal-card').hidden = true;
  if (!t) return;
  if (t.observer) t.observer.disconnect();
  if (t.socket) t.socket.close(1000, 'terminal closed');
  if (t.pid && !t.ended) killProcess(t.session, t.pid);
  if (t.term) t.term.dispose();
  $('terminal').replaceChildren();
}

$('terminal-close').addEventListener('click', closeTerminal);
window.addEventListener('pagehide', closeTerminal);
