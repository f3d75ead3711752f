package dev.berth.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls in flight, by MCP session and JSON-RPC request id, so that a {@code
 * notifications/cancelled} ends its call. The server runs tools on the request's own thread ({@code
 * immediateExecution}), so cancelling interrupts that thread: an exec waiting for its command kills
 * it ({@code OneShotExec}), as on a timeout.
 */
final class McpCancellations {
  private final Map<String, Thread> running = new ConcurrentHashMap<>();

  private static String key(String session, String requestId) {
    return session + "\u0000" + requestId;
  }

  /** Records the current thread as running {@code requestId} of {@code session}. */
  void began(String session, String requestId) {
    running.put(key(session, requestId), Thread.currentThread());
  }

  /**
   * The call answered: forgets it and clears an interrupt that came too late to matter, so the
   * server's pooled thread goes on clean.
   */
  synchronized void ended(String session, String requestId) {
    running.remove(key(session, requestId), Thread.currentThread());
    Thread.interrupted();
  }

  /** Ends the call, if it still runs; true when there was one. */
  synchronized boolean cancel(String session, String requestId) {
    Thread t = running.remove(key(session, requestId));
    if (t == null) {
      return false;
    }
    t.interrupt();
    return true;
  }
}
