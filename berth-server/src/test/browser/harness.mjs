// What every browser flow shares: Debian's Chromium driven by playwright-core, a dashboard page,
// and named steps. Each step saves a screenshot of the page on show to SCREENSHOTS; a failed step
// saves failure-<step>-page<n>.png of every open page, prints the error and exits non-zero.
//
// Environment: BERTH_URL, BERTH_ADMIN_TOKEN, SCREENSHOTS, CHROMIUM (default /usr/bin/chromium),
// TEMPLATE (a template whose app serves a page with a WebSocket echo; default testapp).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const url = process.env.BERTH_URL;
export const adminToken = process.env.BERTH_ADMIN_TOKEN;
export const template = process.env.TEMPLATE || 'testapp';
const shots = process.env.SCREENSHOTS;
const timeout = 60_000;
const viewport = { width: 1366, height: 820 };
mkdirSync(shots, { recursive: true });

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
export const context = await newContext();
export const dashboard = await context.newPage();
let current = dashboard;
let n = 0;

/** Another browser context (its own cookies), like a second user's browser. */
export async function newContext() {
  const c = await browser.newContext({ viewport });
  c.setDefaultTimeout(timeout);
  return c;
}

/** The page the next step's screenshot shows. */
export function show(page) {
  current = page;
}

/** An extra screenshot inside the current step, named after it. */
export async function snapshot(page, name) {
  await page.screenshot({ path: join(shots, `${String(n).padStart(2, '0')}-${name}.png`) });
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function step(name, work) {
  n += 1;
  const label = `${String(n).padStart(2, '0')}-${name}`;
  try {
    await work();
    await current.screenshot({ path: join(shots, `${label}.png`), fullPage: true });
    console.log(`ok   ${label}`);
  } catch (e) {
    for (const [i, page] of context.pages().entries()) {
      await page.screenshot({ path: join(shots, `failure-${label}-page${i}.png`), fullPage: true }).catch(() => {});
    }
    console.log(`FAIL ${label}: ${e.stack || e}`);
    await browser.close();
    process.exit(1);
  }
}

export const row = (id) => dashboard.locator(`tr[data-session="${id}"]`);
export const statusOf = (id) => row(id).locator('.status');

/** Creates a session of TEMPLATE from the dashboard's form; answers its session token. */
export async function create(id) {
  await dashboard.selectOption('#create-template', template);
  await dashboard.fill('#create-id', id);
  await dashboard.click('#create');
  await dashboard.locator('#create-message .status.RUNNING').waitFor();
  await statusOf(id).filter({ hasText: 'RUNNING' }).waitFor();
  return (await dashboard.textContent('#created-token')).trim();
}

/** Closes the browser and says how many steps passed. */
export async function finish() {
  await browser.close();
  console.log(`all ${n} steps passed`);
}
