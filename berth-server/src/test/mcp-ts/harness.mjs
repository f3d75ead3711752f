// A tiny step runner for the MCP transport tests: each step prints ok/FAIL, the run ends with
// "N steps passed" or a non-zero exit (McpTypeScriptSdkTest reads both).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const URL_ = process.env.BERTH_URL;
export const ADMIN = process.env.BERTH_ADMIN_TOKEN;
const steps = [];

export function step(name, fn) {
  steps.push({ name, fn });
}

export async function run() {
  let passed = 0;
  for (const { name, fn } of steps) {
    try {
      await fn();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e?.stack ?? e}`);
      process.exit(1);
    }
  }
  console.log(`${passed} steps passed`);
  process.exit(0);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** An SDK client on Berth's /mcp with this token (and an MCP session id to resume, if given). */
export async function connect(token = ADMIN, sessionId) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', URL_), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    sessionId,
  });
  const client = new Client({ name: 'berth-ts-test', version: '1' });
  await client.connect(transport);
  return { client, transport };
}

/** A raw POST to /mcp: status, headers and the body's text. */
export async function post(body, headers = {}) {
  const response = await fetch(new URL('/mcp', URL_), {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${ADMIN}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The JSON-RPC message of a JSON or SSE answer. */
export function message(text) {
  const data = text.split('\n').find((l) => l.startsWith('data:'));
  return JSON.parse(data ? data.slice(5) : text);
}

/** A JSON-RPC error object with {code}, and nothing of the server's Java insides. */
export function checkError(answer, status, code) {
  check(answer.status === status, `expected HTTP ${status}, got ${answer.status}: ${answer.text}`);
  for (const inside of ['stackTrace', 'className', 'java.', 'io.modelcontextprotocol', 'jetty', '<html']) {
    check(!answer.text.includes(inside), `the answer shows ${inside}: ${answer.text}`);
  }
  const m = JSON.parse(answer.text);
  check(m.jsonrpc === '2.0', `not a JSON-RPC message: ${answer.text}`);
  check(m.error && m.error.code === code, `expected error code ${code}: ${answer.text}`);
  check(typeof m.error.message === 'string' && m.error.message.length > 0, `no message: ${answer.text}`);
  return m.error;
}

export const INIT = (version = '2025-06-18', id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** A raw MCP session: its id, after initialize and notifications/initialized. */
export async function rawSession(version = '2025-06-18') {
  const init = await post(INIT(version));
  check(init.status === 200, `initialize: ${init.status} ${init.text}`);
  const id = init.headers.get('mcp-session-id');
  check(id, 'no Mcp-Session-Id on initialize');
  const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'Mcp-Session-Id': id });
  check(note.status === 202, `initialized: ${note.status} ${note.text}`);
  return { id, negotiated: message(init.text).result.protocolVersion };
}

export async function rest(method, path, body) {
  const response = await fetch(new URL(path, URL_), {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

export const until = async (what, condition, ms = 15000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
};
