package dev.berth.service;

import dev.berth.runtime.ProcessStream;

/**
 * Where a streamed exec's output goes as the command makes it ({@link SessionWorkspace#exec(
 * dev.berth.base.SessionId, String, dev.berth.session.ExecCommand, ExecOutput)}): a REST stream, an
 * MCP client's progress. Called on one thread at a time, in the order the bytes were read, never
 * after the exec returned. A call that blocks holds the command back, not its timeout; one that
 * throws is not called again, and the command goes on.
 */
@FunctionalInterface
public interface ExecOutput {
  /** {@code length} bytes at {@code offset} of {@code data}, which is reused after the call. */
  void output(ProcessStream stream, byte[] data, int offset, int length);
}
