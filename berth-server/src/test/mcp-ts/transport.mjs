// Berth's /mcp transport through the official TypeScript SDK and raw JSON-RPC (McpTypeScriptSdkTest).
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { step, run, check, connect, post, message, checkError, INIT, rawSession, rest, until, URL_ } from './harness.mjs';

const SESSION = 'ts';

step('a Berth session to work in', async () => {
  const created = await rest('POST', '/api/v1/sessions', { id: SESSION });
  check(created.status === 201, `create: ${created.status} ${created.text}`);
});

step('a body that is not JSON: 400, -32700, no Java insides', async () => {
  checkError(await post('{"jsonrpc": "2.0", "id": 1, "method": "initialize"'), 400, -32700);
});

step('JSON that is no JSON-RPC message: 400, -32600', async () => {
  checkError(await post('{}'), 400, -32600);
});

step('a JSON-RPC batch: 400, -32600, saying batches are not taken', async () => {
  const error = checkError(await post([INIT()]), 400, -32600);
  check(error.message.includes('batch'), error.message);
});

step('a request without Mcp-Session-Id: 400, -32600 (not -32601)', async () => {
  checkError(await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), 400, -32600);
});

step('an unknown MCP session: 404, -32001, saying to initialize again', async () => {
  const error = checkError(
    await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { 'Mcp-Session-Id': 'no-such-session' }),
    404,
    -32001,
  );
  check(error.message.includes('initialize'), error.message);
});

step('the SDK client sees an unknown session as HTTP 404', async () => {
  const { client } = await connect(undefined, 'no-such-session');
  try {
    await client.listTools();
    throw new Error('listTools on an unknown session answered');
  } catch (e) {
    check(e instanceof StreamableHTTPError && e.code === 404, `expected a 404 StreamableHTTPError, got ${e}`);
    check(!String(e.message).includes('stackTrace'), e.message);
  } finally {
    await client.close();
  }
});

step('tools/call with arguments as an array or a string: -32602 at once', async () => {
  const { client } = await connect();
  try {
    for (const args of [[1, 2], 'session_id=ts']) {
      try {
        await client.request(
          { method: 'tools/call', params: { name: 'session_info', arguments: args } },
          CallToolResultSchema,
          { timeout: 10000 },
        );
        throw new Error(`arguments ${JSON.stringify(args)} were taken`);
      } catch (e) {
        check(e instanceof McpError && e.code === -32602, `expected -32602 for ${JSON.stringify(args)}, got ${e}`);
        check(e.message.includes('JSON object'), e.message);
      }
    }
  } finally {
    await client.close();
  }
});

step('an unknown tool is a JSON-RPC error without Java insides', async () => {
  const { client } = await connect();
  try {
    await client.callTool({ name: 'no_such_tool', arguments: {} });
    throw new Error('an unknown tool answered');
  } catch (e) {
    check(e instanceof McpError, `${e}`);
    check(!JSON.stringify(e.data ?? '').includes('stackTrace') && !e.message.includes('java.'), e.message);
  } finally {
    await client.close();
  }
});

step('progress: onprogress gets the exec output lines before the result', async () => {
  const { client } = await connect();
  try {
    const seen = [];
    const result = await client.callTool(
      { name: 'session_exec', arguments: { session_id: SESSION, command: 'echo one; sleep 0.3; echo two' } },
      undefined,
      { onprogress: (p) => seen.push(p.message ?? '') },
    );
    check(!result.isError, JSON.stringify(result));
    // The first line arrives while the command still runs; the result holds all of it.
    check(seen.join('').includes('one'), `progress messages: ${JSON.stringify(seen)}`);
    check(JSON.stringify(result).includes('one\\ntwo'), JSON.stringify(result));
  } finally {
    await client.close();
  }
});

step('cancellation: an aborted session_exec is killed and never writes its file', async () => {
  const { client } = await connect();
  try {
    const abort = new AbortController();
    let started = false;
    const call = client.callTool(
      {
        name: 'session_exec',
        arguments: { session_id: SESSION, command: 'echo started; sleep 2; echo late > late.txt' },
      },
      undefined,
      { signal: abort.signal, onprogress: (p) => { if ((p.message ?? '').includes('started')) started = true; } },
    );
    await until('the command started', () => started);
    abort.abort('the agent changed its mind');
    try {
      await call;
      throw new Error('the aborted call resolved');
    } catch (e) {
      check(String(e).includes('changed its mind') || e.name === 'AbortError' || e instanceof McpError, `${e}`);
    }
    // The command would have written late.txt 2 s after it started; give it twice that.
    const end = Date.now() + 4000;
    while (Date.now() < end) {
      const read = await rest('GET', `/api/v1/sessions/${SESSION}/files/late.txt`);
      check(read.status === 404, `late.txt appeared: the cancelled command ran on (${read.status})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // The session's MCP connection still works after a cancel.
    const after = await client.callTool({ name: 'session_exec', arguments: { session_id: SESSION, command: 'echo fine' } });
    check(!after.isError && JSON.stringify(after).includes('fine'), JSON.stringify(after));
  } finally {
    await client.close();
  }
});

step('MCP-Protocol-Version: an unsupported one is 400, a supported one works', async () => {
  const { id } = await rawSession();
  const list = { jsonrpc: '2.0', id: 5, method: 'tools/list' };
  const error = checkError(await post(list, { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': '1999-01-01' }), 400, -32600);
  check(error.message.includes('2025-06-18'), error.message);
  const ok = await post(list, { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': '2025-06-18' });
  check(ok.status === 200 && message(ok.text).result.tools.length > 0, `${ok.status} ${ok.text}`);
});

step('Origin: a foreign page is refused with 403, Berth\'s own page is served', async () => {
  checkError(await post(INIT(), { Origin: 'http://evil.example' }), 403, -32600);
  const own = await post(INIT(), { Origin: new URL(URL_).origin });
  check(own.status === 200, `own origin: ${own.status} ${own.text}`);
});

step('protocol versions: 2025-11-25, 2025-06-18 and 2025-03-26 are negotiated; 2024-11-05 gets the latest', async () => {
  for (const v of ['2025-11-25', '2025-06-18', '2025-03-26']) {
    const { id, negotiated } = await rawSession(v);
    check(negotiated === v, `${v} negotiated ${negotiated}`);
    const list = await post({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, { 'Mcp-Session-Id': id, 'MCP-Protocol-Version': v });
    check(list.status === 200, `${v}: tools/list ${list.status} ${list.text}`);
  }
  const old = await post(INIT('2024-11-05'));
  check(old.status === 200 && message(old.text).result.protocolVersion === '2025-11-25', `2024-11-05: ${old.text}`);
});

await run();
