// MCP session expiry and the cap per token, on a Berth started with
// mcpSessionIdleTimeout=1s and mcpMaxSessionsPerToken=3 (McpTypeScriptSdkTest).
import { step, run, check, connect, post, checkError, INIT, rawSession } from './harness.mjs';

step('an idle MCP session expires: its next call is a 404 that says to initialize again', async () => {
  // Raw, as the 5,000 sessions of the issue were: the SDK client holds a GET stream open, and a
  // session with an open stream is in use, not idle.
  const { id } = await rawSession();
  // Idle, not a condition to wait for: the sweeper (every timeout) ends a session unused for
  // between one and two timeouts, so after 3 s untouched it is gone.
  await new Promise((r) => setTimeout(r, 3000));
  const error = checkError(
    await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'Mcp-Session-Id': id }),
    404,
    -32001,
  );
  check(error.message.includes('initialize'), error.message);
  const again = await connect();
  check((await again.client.listTools()).tools.length > 0, 'a new session works');
  await again.transport.terminateSession();
  await again.client.close();
});

step('a session in use does not expire', async () => {
  // Raw again (no stream open): only its requests keep it.
  const { id } = await rawSession();
  const end = Date.now() + 3500; // over three idle timeouts, used every 300 ms
  while (Date.now() < end) {
    const list = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'Mcp-Session-Id': id });
    check(list.status === 200, `a session in use expired: ${list.status} ${list.text}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const ended = await fetch(new URL('/mcp', process.env.BERTH_URL), {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${process.env.BERTH_ADMIN_TOKEN}`, 'Mcp-Session-Id': id },
  });
  check(ended.status === 200, `DELETE: ${ended.status}`);
});

step('the fourth live session of one token is refused with 429 and says what to do', async () => {
  const open = [];
  for (let i = 0; i < 3; i++) open.push(await connect());
  const refused = await post(INIT());
  const error = checkError(refused, 429, -32000);
  check(error.message.includes('mcpMaxSessionsPerToken') && error.message.includes('DELETE'), error.message);
  // Ending one with DELETE frees its place at once.
  await open[0].transport.terminateSession();
  const fourth = await post(INIT());
  check(fourth.status === 200, `after a DELETE: ${fourth.status} ${fourth.text}`);
  for (const s of open) await s.client.close();
});

await run();
