// A real Jupyter Notebook behind Berth's proxy, in Chromium (DockerJupyterTest in berth-cli runs
// it against a Docker session of the shipped examples/templates/jupyter). One click on a login
// link opens Jupyter's file list; the notebook opens with a kernel (started by the page over the
// REST API and connected over a WebSocket, both with the browser's cookies and Origin); a cell
// runs; saving writes the notebook back (a PUT that Jupyter refuses unless Origin matches Host).
//
// Environment (besides harness.mjs'): SESSION (the session's id), NOTEBOOK (a notebook's name in
// its workspace).
import { adminToken, check, dashboard, finish, show, step, url } from './harness.mjs';

const id = process.env.SESSION;
const notebook = process.env.NOTEBOOK;
const base = `${url}/s/${id}/`;
const page = dashboard;
show(page);

async function contents() {
  const r = await fetch(`${base}api/contents/${notebook}`, {
    headers: { Authorization: `Bearer ${adminToken}` },
  });
  check(r.status === 200, `GET contents: ${r.status}`);
  return r.json();
}

await step('one-click-login-opens-jupyter', async () => {
  const r = await fetch(`${url}/api/v1/sessions/${id}/login-link`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}` },
  });
  check(r.status === 201, `login link: ${r.status}`);
  const link = await r.json();
  await page.goto(`${url}${link.path}`);
  await page.locator('#notebook_list').waitFor();
  await page.locator('#notebook_list a', { hasText: notebook }).waitFor();
  check(page.url().startsWith(`${base}tree`), `Jupyter's file list at ${page.url()}`);
  check(!page.url().includes('token='), `the address should carry no token: ${page.url()}`);
});

await step('notebook-opens-with-a-kernel', async () => {
  await page.goto(`${base}notebooks/${notebook}`);
  await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor();
});

await step('a-cell-runs-on-the-kernel', async () => {
  await page.locator('.cell .CodeMirror').first().click();
  await page.keyboard.type('6 * 7');
  await page.keyboard.press('Shift+Enter');
  await page.locator('.output_result pre', { hasText: '42' }).waitFor();
});

await step('saved-through-the-proxy', async () => {
  await page.locator('button[data-jupyter-action="jupyter-notebook:save-notebook"]').click();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const nb = await contents();
    const sources = nb.content.cells.map((c) => c.source);
    if (sources.includes('6 * 7')) break;
    check(Date.now() < deadline, `the saved notebook's cells: ${JSON.stringify(sources)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

await finish();
