// After a Berth restart (McpTypeScriptSdkTest): the stale MCP session is a 404, and a client that
// makes a new transport and initializes again carries on. PHASE=before prints the session id.
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { step, run, check, connect } from './harness.mjs';

if (process.env.PHASE === 'before') {
  step('an MCP session before the restart', async () => {
    const { client, transport } = await connect();
    check((await client.listTools()).tools.length > 0, 'tools listed');
    console.log(`SESSION ${transport.sessionId}`);
    await client.close();
  });
} else {
  step('the stale session is a 404 after the restart', async () => {
    const { client } = await connect(undefined, process.env.STALE_SESSION);
    try {
      await client.listTools();
      throw new Error('the stale session answered');
    } catch (e) {
      check(e instanceof StreamableHTTPError && e.code === 404, `expected 404, got ${e}`);
    } finally {
      await client.close();
    }
  });
  step('a new transport and initialize recover', async () => {
    const { client, transport } = await connect();
    check(transport.sessionId && transport.sessionId !== process.env.STALE_SESSION, 'a new session id');
    check((await client.listTools()).tools.length > 0, 'tools listed');
    await transport.terminateSession();
    await client.close();
  });
}

await run();
