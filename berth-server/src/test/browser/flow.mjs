// The browser flow BrowserFlowTest runs against a real Berth (see harness.mjs for the browser,
// the steps and the environment).
import {
  adminToken, check, context, create, dashboard, finish, newContext, row, show, snapshot,
  statusOf, step, url,
} from './harness.mjs';

let app;
let tokenB;

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

await step('session-created', async () => {
  await create('browser1');
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
  await app.click('#start');
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
});

await step('deleted-session-is-closed-to-its-cookie', async () => {
  show(app);
  await app.bringToFront();
  const response = await app.reload();
  check(response.status() === 401, `after delete: ${response.status()}`);
});

await finish();
