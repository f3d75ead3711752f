// The changes resource (berth://sessions/{session_id}/changes) and its subscription, with the
// TypeScript SDK as an agent uses them: subscribe, be told by notifications/resources/updated,
// read what changed and by whom (McpTypeScriptSdkTest, local backend).
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { step, run, check, connect, rest, until } from './harness.mjs';

const SESSION = 'subs';
const URI = `berth://sessions/${SESSION}/changes`;
let client;
let sessionToken;
const updates = [];

/**
 * After act, reads URI on each update (only then) until the reads name `expected`: their text.
 * An update may come for an earlier write's late event, so one read may not have it yet.
 */
async function told(c, seen, expected, act) {
  let read = seen.length;
  let text = '';
  await act();
  await until(`a read naming '${expected}' after an update`, async () => {
    if (seen.length === read) return false;
    read = seen.length;
    text += (await c.readResource({ uri: URI })).contents[0].text + '\n';
    return text.includes(expected);
  });
  return text;
}

const nextChange = (expected, act) => told(client, updates, expected, act);

step('the template is listed and the subscription is taken', async () => {
  const created = await rest('POST', '/api/v1/sessions', { id: SESSION });
  check(created.status === 201, `create: ${created.status} ${created.text}`);
  sessionToken = JSON.parse(created.text).token;
  ({ client } = await connect());
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updates.push(n.params.uri));
  const templates = (await client.listResourceTemplates()).resourceTemplates;
  check(
    templates.some((t) => t.uriTemplate === 'berth://sessions/{session_id}/changes'),
    `templates: ${JSON.stringify(templates)}`,
  );
  await client.subscribeResource({ uri: URI });
});

step('a REST write is told, and the read names it as the api\'s', async () => {
  const text = await nextChange('changed by-rest.txt (by api)', async () => {
    const put = await rest('PUT', `/api/v1/sessions/${SESSION}/files/by-rest.txt`, 'hello');
    check(put.status < 300, `PUT: ${put.status} ${put.text}`);
  });
});

step('an MCP write is told as the mcp\'s; a read moves past what it answered', async () => {
  const text = await nextChange('changed by-mcp.txt (by mcp)', () =>
    client.callTool({ name: 'session_write_file', arguments: { session_id: SESSION, path: 'by-mcp.txt', content: 'x' } }),
  );
  check(!text.includes('by-rest.txt'), `an earlier change again: ${text}`);
});

step('a write by a process in the session is told as the session\'s', async () => {
  const text = await nextChange('by-process.txt (by session)', () =>
    client.callTool({ name: 'session_exec', arguments: { session_id: SESSION, command: 'echo x > by-process.txt' } }),
  );
});

step('subscriptions Berth cannot serve are refused with -32602, saying why', async () => {
  for (const [uri, words] of [
    ['berth://sessions/nosuch/changes', "no session 'nosuch'"],
    ['file:///etc/passwd', 'berth://sessions/{session_id}/changes'],
  ]) {
    let error;
    try {
      await client.subscribeResource({ uri });
    } catch (e) {
      error = e;
    }
    check(error && error.code === -32602, `subscribe ${uri}: ${error}`);
    check(error.message.includes(words), error.message);
  }
  // Another session's token sees no such session, as everywhere else in Berth.
  const other = await rest('POST', '/api/v1/sessions', { id: 'subs-other' });
  const { client: scoped } = await connect(JSON.parse(other.text).token);
  let refused;
  try {
    await scoped.subscribeResource({ uri: URI });
  } catch (e) {
    refused = e;
  }
  check(refused && refused.code === -32602 && refused.message.includes(`no session '${SESSION}'`), `${refused}`);
  let unread;
  try {
    await scoped.readResource({ uri: URI });
  } catch (e) {
    unread = e;
  }
  check(unread && unread.message.includes(`no session '${SESSION}'`), `read by another session: ${unread}`);
  await scoped.close();
  await rest('DELETE', '/api/v1/sessions/subs-other');
});

step('a session token follows its own session', async () => {
  const { client: own } = await connect(sessionToken);
  const mine = [];
  own.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => mine.push(n.params.uri));
  await own.subscribeResource({ uri: URI });
  const text = await told(own, mine, 'changed for-own.txt (by api)', () =>
    rest('PUT', `/api/v1/sessions/${SESSION}/files/for-own.txt`, 'x'),
  );
  check(!text.includes('by-rest.txt'), `changes from before its subscription: ${text}`);
  await own.close();
});

step('the delete of the session is told, and the read says so', async () => {
  const before = updates.length;
  const deleted = await rest('DELETE', `/api/v1/sessions/${SESSION}`);
  check(deleted.status === 200, `delete: ${deleted.status} ${deleted.text}`);
  await until('an update after the delete', () => updates.slice(before).includes(URI));
  let error;
  try {
    await client.readResource({ uri: URI });
  } catch (e) {
    error = e;
  }
  check(error && error.message.includes(`no session '${SESSION}'`), `read after the delete: ${error}`);
  await client.close();
});

await run();
