// The terminal flow TerminalFlowTest runs against a real Berth on the local backend (see
// harness.mjs for the browser, the steps and the environment): open a session's terminal from its
// row, run commands, see `stty size` follow the window, copy and paste, close (the shell is
// killed) and open again, exit the shell, and a session-token login's terminal.
import {
  adminToken, check, context, create, dashboard, finish, newContext, show, snapshot, step, url,
} from './harness.mjs';

const id = 'term1';
let sessionToken;
let firstPid;
let size; // { cols, rows } the panel shows

/** The terminal's lines as shown (xterm.js's DOM rows), on `page`. */
const lines = (page) => page.evaluate(() => [...document.querySelectorAll('#terminal .xterm-rows > div')]
  .map((r) => r.textContent.replace(/\u00a0/g, ' ').trimEnd()));

/** Waits until a line of the terminal is exactly `text`; a failure shows what the terminal had. */
async function seeLine(text, page = dashboard) {
  try {
    await page.waitForFunction((t) => [...document.querySelectorAll('#terminal .xterm-rows > div')]
      .some((r) => r.textContent.replace(/\u00a0/g, ' ').trim() === t), text, { timeout: 20_000 });
  } catch (e) {
    throw new Error(`no line '${text}' in the terminal, which shows:\n${(await lines(page)).join('\n')}\n${e.message}`);
  }
}

/** Types a command line into the terminal (the keys go to xterm.js's input). */
async function run(command, page = dashboard) {
  await page.locator('#terminal').click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** The size the panel says ("120 × 30"), once it is shown. */
async function shownSize(page = dashboard) {
  const text = (await page.locator('#terminal-size').textContent()).trim();
  const m = /^(\d+) × (\d+)$/.exec(text);
  check(m, `the panel should show the size, not '${text}'`);
  return { cols: Number(m[1]), rows: Number(m[2]) };
}

let sttyRuns = 0;

/**
 * Runs `stty size` (tagged with a shell comment, so this run's output is the line after it) and
 * answers what the shell says, { rows, cols }.
 */
async function sttySize(page) {
  sttyRuns += 1;
  const tag = `stty size # ${sttyRuns}`;
  await run(tag, page);
  try {
    const said = await page.waitForFunction((t) => {
      const rows = [...document.querySelectorAll('#terminal .xterm-rows > div')]
        .map((r) => r.textContent.replace(/\u00a0/g, ' ').trim());
      const i = rows.findIndex((l) => l.endsWith(t));
      const m = i >= 0 && i + 1 < rows.length && /^(\d+) (\d+)$/.exec(rows[i + 1]);
      return m ? { rows: Number(m[1]), cols: Number(m[2]) } : null;
    }, tag, { timeout: 20_000 });
    return said.jsonValue();
  } catch (e) {
    throw new Error(`no answer to '${tag}' in the terminal, which shows:\n${(await lines(page)).join('\n')}\n${e.message}`);
  }
}

/**
 * `stty size` says the size the panel shows. A window resize may refit the terminal more than once
 * as the page's layout settles (each refit is sent to the process): ask again while the panel's
 * size moved after the question, a few times at most.
 */
async function sttyIsThePanels(page = dashboard) {
  let said;
  let shown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    shown = await shownSize(page);
    said = await sttySize(page);
    const after = await shownSize(page);
    if (said.rows === after.rows && said.cols === after.cols) return after;
    if (after.rows === shown.rows && after.cols === shown.cols) break; // it did not move: wrong
  }
  throw new Error(`stty size says ${JSON.stringify(said)}, the panel ${JSON.stringify(await shownSize(page))}`);
}

/** The session's processes as the API lists them (admin token). */
async function processes() {
  const r = await fetch(`${url}/api/v1/sessions/${id}/processes`, { headers: { Authorization: `Bearer ${adminToken}` } });
  check(r.ok, `GET processes: ${r.status}`);
  return r.json();
}

/** Polls `probe` until it answers something truthy, within 20 s; answers that. */
async function until(what, probe) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openTerminal(page = dashboard, session = id) {
  await page.locator(`tr[data-session="${session}"] button[data-action="terminal"]`).click();
  await page.locator('#terminal-card').waitFor();
  await page.locator('#terminal-state', { hasText: 'connected' }).waitFor();
  await page.locator('#terminal .xterm-rows').waitFor();
}

await step('logged-in', async () => {
  await dashboard.goto(`${url}/`);
  await dashboard.fill('#token', adminToken);
  await dashboard.click('#login');
  await dashboard.locator('#app-view').waitFor();
  sessionToken = await create(id);
});

await step('terminal-opened-from-the-row', async () => {
  await openTerminal();
  check((await dashboard.textContent('#terminal-title')).includes(id), 'the panel names the session');
  const ps = await processes();
  check(ps.length === 1 && ps[0].state === 'running' && ps[0].tty, `one running terminal: ${JSON.stringify(ps)}`);
  firstPid = ps[0].id;
  check((await dashboard.textContent('#terminal-state')).includes(firstPid), 'the panel names the process');
});

await step('echo-42', async () => {
  await run('echo $((6*7))');
  await seeLine('42');
});

await step('stty-size-is-the-panels', async () => {
  size = await shownSize();
  check(size.cols > 20 && size.rows > 5, `a usable size: ${JSON.stringify(size)}`);
  const ps = await processes();
  check(ps[0].tty.cols === size.cols && ps[0].tty.rows === size.rows,
    `the process was started at the panel's size: ${JSON.stringify(ps[0].tty)} vs ${JSON.stringify(size)}`);
  check(JSON.stringify(await sttyIsThePanels()) === JSON.stringify(size), 'the size it started at');
});

await step('window-resized-and-stty-follows', async () => {
  const before = size;
  await dashboard.setViewportSize({ width: 980, height: 640 });
  await dashboard.waitForFunction((b) => document.getElementById('terminal-size').textContent.trim() !== b,
    `${before.cols} × ${before.rows}`);
  size = await sttyIsThePanels();
  check(size.cols < before.cols && size.rows < before.rows, `smaller: ${JSON.stringify(before)} -> ${JSON.stringify(size)}`);
  // And back up: bigger again.
  const smaller = size;
  await dashboard.setViewportSize({ width: 1366, height: 900 });
  await dashboard.waitForFunction((s) => document.getElementById('terminal-size').textContent.trim() !== s,
    `${smaller.cols} × ${smaller.rows}`);
  size = await sttyIsThePanels();
  check(size.cols > smaller.cols && size.rows > smaller.rows, `bigger: ${JSON.stringify(smaller)} -> ${JSON.stringify(size)}`);
});

await step('paste-and-copy', async () => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  await dashboard.evaluate(() => navigator.clipboard.writeText('echo pasted-$((3+4))'));
  await dashboard.locator('#terminal').click();
  await dashboard.keyboard.press('Control+Shift+V');
  await dashboard.keyboard.press('Enter');
  await seeLine('pasted-7');
  // Select the output word with a double click, copy it with Ctrl+Shift+C.
  const rowsNow = await lines(dashboard);
  const index = rowsNow.findIndex((l) => l.trim() === 'pasted-7');
  const target = dashboard.locator('#terminal .xterm-rows > div').nth(index);
  const box = await target.boundingBox();
  const cell = box.width / size.cols;
  await dashboard.mouse.dblclick(box.x + cell * 2.5, box.y + box.height / 2);
  await dashboard.keyboard.press('Control+Shift+C');
  const copied = await until('the clipboard to hold the selection',
    async () => { const t = await dashboard.evaluate(() => navigator.clipboard.readText()); return t === 'pasted-7' && t; });
  check(copied === 'pasted-7', `copied: ${copied}`);
});

await step('closed-and-the-shell-killed', async () => {
  await dashboard.click('#terminal-close');
  await dashboard.locator('#terminal-card').waitFor({ state: 'hidden' });
  const p = await until('the shell to be killed', async () => (await processes())
    .find((x) => x.id === firstPid && x.state === 'exited'));
  check(p.endedBy === 'killed through the API', `ended by: ${p.endedBy}`);
});

await step('reopened-works-again', async () => {
  await openTerminal();
  const running = (await processes()).filter((p) => p.state === 'running');
  check(running.length === 1 && running[0].id !== firstPid, `a new shell: ${JSON.stringify(running)}`);
  check((await lines(dashboard)).every((l) => !l.includes('pasted-7')), 'a fresh screen');
  await run('echo $((6*7))');
  await seeLine('42');
  const again = await sttyIsThePanels();
  check(again.cols === size.cols && again.rows === size.rows, `the same window: ${JSON.stringify(again)}`);
});

await step('exit-shows-the-code', async () => {
  await run('exit 3');
  await dashboard.locator('#terminal-state', { hasText: 'exited with code 3' }).waitFor();
  const ended = (await processes()).filter((p) => p.state === 'exited' && p.exitCode === 3);
  check(ended.length === 1, `the shell's own exit: ${JSON.stringify(await processes())}`);
  await snapshot(dashboard, 'exited');
  await dashboard.click('#terminal-close');
  await dashboard.locator('#terminal-card').waitFor({ state: 'hidden' });
});

await step('a-session-login-has-a-terminal-too', async () => {
  const other = await newContext();
  const page = await other.newPage();
  show(page);
  await page.goto(`${url}/`);
  await page.fill('#token', sessionToken);
  await page.click('#login');
  await page.locator('#who', { hasText: `session ${id}` }).waitFor();
  await openTerminal(page);
  await run('echo $((6*7))', page);
  await seeLine('42', page);
  await page.click('#terminal-close');
  await until('no shell left running', async () => (await processes()).every((p) => p.state === 'exited'));
  show(dashboard);
  await other.close();
});

await finish();
