// The apps-domain flow OriginFlowTest runs against a real Berth started with appsDomain: localhost
// (Chromium resolves every *.localhost name to loopback by itself). The dashboard is on BERTH_URL;
// each session's app must load on http://<id>.localhost:<port>/s/<id>/, its own origin, where
// its script can neither read nor use the dashboard's login. See harness.mjs for the browser, the
// steps and the environment.
import {
  adminToken, check, context, create, dashboard, finish, newContext, row, show, statusOf,
  step, url,
} from './harness.mjs';

const port = new URL(url).port;
const appUrl = (id) => `http://${id}.localhost:${port}/s/${id}/`;

let app;

await step('logged-in-as-admin', async () => {
  await dashboard.goto(`${url}/`);
  await dashboard.fill('#token', adminToken);
  await dashboard.click('#login');
  await dashboard.locator('#app-view').waitFor();
  check((await dashboard.textContent('#who')) === 'admin', 'the dashboard should say admin');
});

await step('session-created', async () => {
  await create('origin1');
});

await step('app-opened-on-its-own-origin', async () => {
  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    row('origin1').locator('button[data-action="open"]').click(),
  ]);
  app = tab;
  show(app);
  await app.locator('#title', { hasText: 'Hello from the test app in origin1' }).waitFor();
  check(app.url() === appUrl('origin1'), `the app should be on its own host, without a token: ${app.url()}`);
  await app.locator('#state', { hasText: 'open' }).waitFor();
  await app.fill('#message', 'on its own origin');
  await app.click('#send');
  await app.locator('#log li', { hasText: 'echo: on its own origin' }).waitFor();
});

await step('cookies-are-host-only', async () => {
  const cookies = await context.cookies();
  const login = cookies.find((c) => c.name === 'berth_dashboard');
  const proxy = cookies.find((c) => c.name === 'berth_proxy');
  check(login && login.domain === new URL(url).hostname && login.path === '/api/' && login.httpOnly,
    `dashboard cookie: ${JSON.stringify(login)}`);
  check(proxy && proxy.domain === 'origin1.localhost' && proxy.path === '/s/origin1/' && proxy.httpOnly,
    `proxy cookie: ${JSON.stringify(proxy)}`);
});

await step('the-apps-script-cannot-use-the-dashboard-login', async () => {
  const seen = await app.evaluate(async (dashboardUrl) => {
    const status = async (u, init) => {
      try {
        return (await fetch(u, init)).status;
      } catch (e) {
        return `blocked: ${e.name}`;
      }
    };
    const asDashboard = { credentials: 'include', headers: { 'X-Requested-By': 'berth-dashboard' } };
    return {
      cookie: document.cookie,
      // Its own origin: Berth's API and dashboard are not served here.
      sessions: await status('/api/v1/sessions', asDashboard),
      me: await status('/api/v1/me', asDashboard),
      dashboardPage: await status('/', {}),
      otherSession: await status('/s/origin2/', {}),
      // Berth's own origin: the browser refuses (no CORS from Berth), the login is never used.
      crossOrigin: await status(`${dashboardUrl}/api/v1/sessions`, asDashboard),
      crossOriginLogout: await status(`${dashboardUrl}/api/v1/logout`, { ...asDashboard, method: 'POST' }),
    };
  }, url);
  console.log(`     seen by the app's script: ${JSON.stringify(seen)}`);
  check(!seen.cookie.includes('berth_'), `document.cookie shows a Berth cookie: ${seen.cookie}`);
  check(seen.sessions === 404, `/api/v1/sessions from the app's origin: ${seen.sessions}`);
  check(seen.me === 404, `/api/v1/me from the app's origin: ${seen.me}`);
  check(seen.dashboardPage === 404, `/ from the app's origin: ${seen.dashboardPage}`);
  check(seen.otherSession === 404, `/s/origin2/ on origin1's host: ${seen.otherSession}`);
  check(String(seen.crossOrigin).startsWith('blocked'), `the API across origins: ${seen.crossOrigin}`);
  check(String(seen.crossOriginLogout).startsWith('blocked'), `logout across origins: ${seen.crossOriginLogout}`);
  // The dashboard is still logged in (the app's attempts did nothing).
  show(dashboard);
  await dashboard.bringToFront();
  await dashboard.reload();
  await dashboard.locator('#app-view').waitFor();
  await row('origin1').waitFor();
});

await step('a-session-path-on-berths-host-goes-to-the-sessions-host', async () => {
  show(app);
  await app.bringToFront();
  await app.goto(`${url}/s/origin1/`);
  await app.locator('#title', { hasText: 'Hello from the test app in origin1' }).waitFor();
  check(app.url() === appUrl('origin1'), `redirected to ${app.url()}`);
});

await step('stopped-page-on-the-sessions-host', async () => {
  show(dashboard);
  await dashboard.bringToFront();
  await row('origin1').locator('button[data-action="stop"]').click();
  await statusOf('origin1').filter({ hasText: /^STOPPED$/ }).waitFor();
  show(app);
  await app.bringToFront();
  await app.reload();
  await app.locator('h1', { hasText: 'Session origin1 is stopped' }).waitFor();
  await app.locator('#start-in-dashboard').waitFor(); // the API is not on this host
  show(dashboard);
  await dashboard.bringToFront();
  await row('origin1').locator('button[data-action="start"]').click();
  await statusOf('origin1').filter({ hasText: /^RUNNING$/ }).waitFor();
  show(app);
  await app.bringToFront();
  await app.reload();
  await app.locator('#title', { hasText: 'Hello from the test app in origin1' }).waitFor();
});

await step('second-session-cookie-does-not-open-the-first', async () => {
  show(dashboard);
  await dashboard.bringToFront();
  const tokenB = await create('origin2');
  // Someone else's browser, holding session origin2's login only.
  const other = await newContext();
  const page = await other.newPage();
  show(page);
  await page.goto(`${url}/s/origin2/?token=${tokenB}`);
  await page.locator('#title', { hasText: 'in origin2' }).waitFor();
  check(page.url() === appUrl('origin2'), `on origin2's host, without the token: ${page.url()}`);
  const response = await page.goto(appUrl('origin1'));
  check(response.status() === 401, `origin2's cookie is not sent to origin1's host: ${response.status()}`);
  const cookieB = (await other.cookies()).find((c) => c.name === 'berth_proxy');
  check(cookieB.domain === 'origin2.localhost', `origin2's cookie: ${JSON.stringify(cookieB)}`);
  // Even planted on origin1's host by hand, origin2's cookie is refused.
  await other.addCookies([{ ...cookieB, domain: 'origin1.localhost', path: '/s/origin1/' }]);
  const forged = await page.goto(appUrl('origin1'));
  check(forged.status() === 403, `with origin2's cookie: ${forged.status()}`);
  await page.locator('h1', { hasText: 'another session' }).waitFor();
  show(dashboard);
  await other.close();
});

await step('deleted-session-is-closed-to-its-cookie', async () => {
  await row('origin1').locator('button[data-action="delete"]').click();
  await row('origin1').locator('button[data-action="delete"]', { hasText: 'Really delete?' }).click();
  await dashboard.locator('#receipt-title', { hasText: 'Cleanup receipt for origin1' }).waitFor();
  show(app);
  await app.bringToFront();
  const response = await app.reload();
  check(response.status() === 401, `after delete: ${response.status()}`);
});

await finish();
