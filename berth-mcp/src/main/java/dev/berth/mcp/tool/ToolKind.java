package dev.berth.mcp.tool;

/**
 * What a tool does to the session, told to clients as the MCP spec's ToolAnnotations hints. They
 * must be true: a client may skip asking the user before a call it was told only reads.
 */
public enum ToolKind {
  /** Reads only. */
  READ(true, false, true, false),
  /** Adds without overwriting; repeating it changes nothing more. */
  ADDITIVE_IDEMPOTENT(false, false, true, false),
  /** Adds something new each time. */
  ADDITIVE(false, false, false, false),
  /** May overwrite or remove; repeating it changes nothing more. */
  DESTRUCTIVE_IDEMPOTENT(false, true, true, false),
  /** May overwrite or remove, and may act differently each time. */
  DESTRUCTIVE(false, true, false, false),
  /** Runs arbitrary commands: anything may happen, including talking to the network. */
  ARBITRARY(false, true, false, true);

  private final boolean readOnly;
  private final boolean destructive;
  private final boolean idempotent;
  private final boolean openWorld;

  ToolKind(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
    this.readOnly = readOnly;
    this.destructive = destructive;
    this.idempotent = idempotent;
    this.openWorld = openWorld;
  }

  public boolean readOnly() {
    return readOnly;
  }

  public boolean destructive() {
    return destructive;
  }

  public boolean idempotent() {
    return idempotent;
  }

  public boolean openWorld() {
    return openWorld;
  }
}
