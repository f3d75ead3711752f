// The browser flow BrowserFlowTest runs against a real Berth (see harness.mjs for the browser,
// the steps and the environment).
import {
  adminToken, check, context, create, dashboard, finish, newContext, row, show, snapshot,
  statusOf, step, url,
} from './harness.mjs';

let app;
let tokenB;
// What Chromium logs as errors on the dashboard (an invalid `pattern` is only ever a console error).
const consoleErrors = [];
dashboard.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
dashboard.on('pageerror', (e) => consoleErrors.push(String(e)));

await step('login-page', async () => {
  await dashboard.goto(`${url}/`);
  await dashboard.locator('#login-view').waitFor();
});

await step('wrong-token-refused', async () => {
  await dashboard.fill('#token', 'berth_admin_wrong');
  await dashboard.click('#login');
  await dashboard.locator('#login-error', { hasText: 'not valid' }).waitFor();
});

await step('logged-in-as-admin', async () => {
  await dashboard.fill('#token', adminToken);
  await dashboard.click('#login');
  await dashboard.locator('#app-view').waitFor();
  check((await dashboard.textContent('#who')) === 'admin', 'the dashboard should say admin');
  const cookies = await context.cookies();
  const login = cookies.find((c) => c.name === 'berth_dashboard');
  check(login && login.httpOnly && login.path === '/api/', `dashboard cookie: ${JSON.stringify(login)}`);
});

await step('id-pattern-checked-by-the-browser', async () => {
  const validity = (value) => dashboard.$eval('#create-id', (input, v) => {
    input.value = v;
    return { valid: input.checkValidity(), mismatch: input.validity.patternMismatch };
  }, value);
  for (const bad of ['-leading', 'trailing-', 'Upper', 'a_b', 'x'.repeat(41)]) {
    const v = await validity(bad);
    check(!v.valid && v.mismatch, `the browser should flag the id '${bad}': ${JSON.stringify(v)}`);
  }
  for (const good of ['a', 'browser-1', 'x'.repeat(40)]) {
    const v = await validity(good);
    check(v.valid, `the browser should take the id '${good}': ${JSON.stringify(v)}`);
  }
  await validity('');
  await dashboard.evaluate(() => new Promise((r) => setTimeout(r, 0))); // console events arrive
  const regexErrors = consoleErrors.filter((t) => /regular expression|pattern/i.test(t));
  check(regexErrors.length === 0, `Chromium refused the id pattern: ${regexErrors.join(' | ')}`);
});

await step('session-created', async () => {
  await create('browser1');
});

await step('phone-width-does-not-widen-the-page', async () => {
  await dashboard.setViewportSize({ width: 390, height: 844 });
  await row('browser1').waitFor();
  await dashboard.locator('#created-token').waitFor(); // the long token is on the page too
  const size = await dashboard.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    table: document.querySelector('#sessions').scrollWidth,
    box: document.querySelector('.table-scroll').clientWidth,
  }));
  check(size.page <= size.window, `at 390 px the page is ${size.page} px wide: ${JSON.stringify(size)}`);
  // The table keeps its columns and scrolls inside its card; its actions can still be reached.
  check(size.table > size.box, `the table should scroll in its box: ${JSON.stringify(size)}`);
  await row('browser1').locator('button[data-action="details"]').scrollIntoViewIfNeeded();
  check(await row('browser1').locator('button[data-action="details"]').isVisible(), 'Details reachable');
  await snapshot(dashboard, 'phone');
  await dashboard.setViewportSize({ width: 1366, height: 820 });
});

await step('failed-session-shows-its-reason', async () => {
  await dashboard.selectOption('#create-template', 'failapp');
  await dashboard.fill('#create-id', 'broken1');
  await dashboard.click('#create');
  const reason = row('broken1').locator('.status-reason');
  await reason.waitFor();
  const text = (await reason.textContent()).trim();
  check(text.length > 0, 'a FAILED row should show its reason as text');
  check(await reason.isVisible(), 'the reason should be visible, not only a tooltip');
  await statusOf('broken1').filter({ hasText: /^FAILED$/ }).waitFor();
});

await step('app-opened-through-the-proxy', async () => {
  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    row('browser1').locator('button[data-action="open"]').click(),
  ]);
  app = tab;
  show(app);
  await app.locator('#title', { hasText: 'Hello from the test app in browser1' }).waitFor();
  check(app.url() === `${url}/s/browser1/`, `the address should carry no token: ${app.url()}`);
});

await step('websocket-messages', async () => {
  await app.locator('#state', { hasText: 'open' }).waitFor();
  for (const text of ['hello', 'second message']) {
    await app.fill('#message', text);
    await app.click('#send');
    await app.locator('#log li', { hasText: `echo: ${text}` }).waitFor();
  }
});

await step('stopped-page', async () => {
  show(dashboard);
  await dashboard.bringToFront();
  await row('browser1').locator('button[data-action="stop"]').click();
  await statusOf('browser1').filter({ hasText: /^STOPPED$/ }).waitFor();
  show(app);
  await app.bringToFront();
  // The app's socket was closed by the stop.
  await app.locator('#state', { hasText: 'closed' }).waitFor();
  await app.reload();
  await app.locator('h1', { hasText: 'Session browser1 is stopped' }).waitFor();
  await app.locator('#start').waitFor(); // the admin may start it from here
});

await step('started-again', async () => {
  // Hold the start call until the heading has been seen, so the check cannot race the reload.
  let release;
  const held = new Promise((r) => { release = r; });
  const startCall = '**/api/v1/sessions/*/start';
  let continued;
  await app.route(startCall, (route) => { continued = held.then(() => route.continue()); return continued; });
  await app.click('#start');
  await app.locator('h1', { hasText: 'Session browser1 is starting' }).waitFor();
  check((await app.locator('h1', { hasText: 'stopped' }).count()) === 0, 'the heading still says stopped');
  check(!(await app.title()).includes('stopped'), `the title still says stopped: ${await app.title()}`);
  await snapshot(app, 'starting');
  release();
  await continued;
  await app.unroute(startCall);
  await app.locator('#title', { hasText: 'Hello from the test app in browser1' }).waitFor();
  await app.locator('#state', { hasText: 'open' }).waitFor();
  await app.fill('#message', 'after restart');
  await app.click('#send');
  await app.locator('#log li', { hasText: 'echo: after restart' }).waitFor();
  show(dashboard);
  await dashboard.bringToFront();
  await statusOf('browser1').filter({ hasText: /^RUNNING$/ }).waitFor();
});

await step('second-session-cookie-does-not-open-the-first', async () => {
  tokenB = await create('browser2');
  // Someone else's browser, holding session browser2's login only.
  const other = await newContext();
  const page = await other.newPage();
  show(page);
  await page.goto(`${url}/s/browser2/?token=${tokenB}`);
  await page.locator('#title', { hasText: 'in browser2' }).waitFor();
  check(page.url() === `${url}/s/browser2/`, `the token should be gone from ${page.url()}`);
  const response = await page.goto(`${url}/s/browser1/`);
  check(response.status() === 401, `without browser1's cookie: ${response.status()}`);
  // Even sent to browser1's path by hand, browser2's cookie is refused.
  const cookieB = (await other.cookies()).find((c) => c.name === 'berth_proxy');
  await other.addCookies([{ ...cookieB, path: '/s/browser1/' }]);
  const forged = await page.goto(`${url}/s/browser1/`);
  check(forged.status() === 403, `with browser2's cookie: ${forged.status()}`);
  await page.locator('h1', { hasText: 'another session' }).waitFor();
  await snapshot(page, 'forged-cookie');
  // Its dashboard, logged in with browser2's token, shows browser2 only and no admin actions.
  await page.goto(`${url}/`);
  await page.fill('#token', tokenB);
  await page.click('#login');
  await page.locator('#who', { hasText: 'session browser2' }).waitFor();
  await page.locator('tr[data-session="browser2"]').waitFor();
  check((await page.locator('tbody tr').count()) === 1, 'a session login should list one session');
  check(await page.locator('#create-card').isHidden(), 'a session login cannot create sessions');
  check((await page.locator('button[data-action="delete"]').count()) === 0, 'nor delete them');
  await snapshot(page, 'session-dashboard');
  show(dashboard);
  await other.close();
});

await step('events-and-log', async () => {
  await row('browser1').locator('button[data-action="details"]').click();
  await dashboard.locator('#events li', { hasText: 'running' }).first().waitFor();
  await dashboard.locator('#events li', { hasText: 'stopped' }).first().waitFor();
  await dashboard.locator('#log').waitFor();
});

await step('deleted-with-receipt', async () => {
  await row('browser1').locator('button[data-action="delete"]').click();
  await row('browser1').locator('button[data-action="delete"]', { hasText: 'Really delete?' }).click();
  await dashboard.locator('#receipt-title', { hasText: 'Cleanup receipt for browser1' }).waitFor();
  await dashboard.locator('#receipt-items li.removed').first().waitFor();
  await row('browser1').waitFor({ state: 'detached' });
  // The create form's note is about browser2 (created last): it stays while browser2 does.
  await dashboard.locator('#create-message', { hasText: 'Session browser2 is RUNNING' }).waitFor();
});

await step('note-goes-with-its-session', async () => {
  await row('browser2').locator('button[data-action="delete"]').click();
  await row('browser2').locator('button[data-action="delete"]', { hasText: 'Really delete?' }).click();
  await dashboard.locator('#receipt-title', { hasText: 'Cleanup receipt for browser2' }).waitFor();
  await row('browser2').waitFor({ state: 'detached' });
  await dashboard.locator('#created-token').waitFor({ state: 'detached' });
  const note = (await dashboard.textContent('#create-message')).trim();
  check(!note.includes('browser2'), `the note outlived its session: ${note}`);
});

await step('deleted-session-is-closed-to-its-cookie', async () => {
  show(app);
  await app.bringToFront();
  const response = await app.reload();
  check(response.status() === 401, `after delete: ${response.status()}`);
});

await finish();
