package dev.berth.mcp.tool;

/**
 * Progress of one tool call, sent to its client as MCP {@code notifications/progress}. The spec
 * lets a server send them only when the call's request carried a {@code progressToken}; without one
 * this is {@link #NONE}, which wants nothing and sends nothing.
 */
public interface ToolProgress {
  ToolProgress NONE =
      new ToolProgress() {
        @Override
        public boolean wanted() {
          return false;
        }

        @Override
        public void report(double progress, String message) {}
      };

  /** Whether the client asked for progress of this call. */
  boolean wanted();

  /**
   * Sends one notification; {@code progress} must grow from one to the next (the spec's rule).
   * Never after the call answered.
   */
  void report(double progress, String message);
}
