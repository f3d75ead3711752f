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

  /**
   * The version a read returned, for a write or edit that must not overwrite someone else's change
   * (a human in the browser, another agent) made since.
   */
  static final ValueSchema IF_VERSION =
      Schema.string()
          .description(
              "the version session_read_file answered for this file: the change is made only if"
                  + " the file still has it, else it is refused with the current version (read"
                  + " again, redo the change, retry); leave out to change it whatever it holds");

  private CommonInputs() {}
}
