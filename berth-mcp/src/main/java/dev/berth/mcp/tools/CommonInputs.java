package dev.berth.mcp.tools;

import dev.berth.mcp.tool.Schema;
import dev.berth.mcp.tool.ValueSchema;

/** Arguments many tools take, described once so every tool tells the agent the same. */
final class CommonInputs {
  /** Optional with a session token, which names its own session. */
  static final ValueSchema SESSION_ID =
      Schema.string().description("the session; may be left out with a session token");

  static final ValueSchema PATH =
      Schema.string().description("the path, relative to the workspace root");

  /** A directory to work under, the root when left out. */
  static final ValueSchema DIRECTORY =
      Schema.string().description("a directory, relative to the workspace root; default the root");

  /** One of a session's extra containers, named as session_info lists them. */
  static final ValueSchema CONTAINER =
      Schema.string().description("the container's type, as session_info lists it");

  private CommonInputs() {}
}
