package dev.berth.mcp.tools;

import dev.berth.auth.Principal;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.service.SessionService;
import dev.berth.service.SessionWorkspace;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every tool Berth serves over MCP, in the order {@code tools/list} shows them. A new tool is its
 * own file here (a {@code definition} that returns a {@link ToolDefinition}), its test, and one
 * line below. Tools reach sessions only through the service layer.
 */
public final class McpTools {
  /**
   * The tools only the admin token may call: a session token is not offered them in {@code
   * tools/list} (an agent would only learn by failing that it cannot), and each still refuses one
   * itself (McpToolsTest checks both).
   */
  static final Set<String> ADMIN_ONLY =
      Set.of(
          "session_create", "session_delete", "session_start_container", "session_stop_container");

  private McpTools() {}

  /**
   * Whether {@code tools/list} offers tool {@code name} to {@code principal}: every tool to the
   * admin token (and to a caller not yet known, which a call then refuses), all but {@link
   * #ADMIN_ONLY} to a session token.
   */
  public static boolean visibleTo(Principal principal, String name) {
    return !(principal instanceof Principal.SessionScoped) || !ADMIN_ONLY.contains(name);
  }

  public static List<ToolDefinition> all(SessionService sessions) {
    return all(sessions, LoginLinks.NONE);
  }

  /** Every tool, session_preview_link issuing its links with {@code links}. */
  public static List<ToolDefinition> all(SessionService sessions, LoginLinks links) {
    // Activity through these tools is recorded as "via mcp" (session_info's life explains it).
    SessionWorkspace workspace = sessions.workspace().via("mcp");
    List<ToolDefinition> tools =
        List.of(
            SessionCreateTool.definition(sessions),
            SessionListTool.definition(sessions),
            SessionInfoTool.definition(sessions),
            SessionAppsTool.definition(sessions),
            SessionPreviewLinkTool.definition(sessions, links),
            SessionDeleteTool.definition(sessions),
            SessionTokenTool.definition(sessions),
            SessionLogsTool.definition(sessions),
            StartContainerTool.definition(sessions),
            StopContainerTool.definition(sessions),
            ReadFileTool.definition(workspace),
            WriteFileTool.definition(workspace),
            EditFileTool.definition(workspace),
            ListDirectoryTool.definition(workspace),
            SearchTool.definition(workspace),
            GlobTool.definition(workspace),
            DeleteFileTool.definition(workspace),
            MoveFileTool.definition(workspace),
            MakeDirectoryTool.definition(workspace),
            SessionChangesTool.definition(workspace),
            ExecTool.definition(workspace, sessions.processes()),
            ProcessOutputTool.definition(sessions.processes()),
            ProcessWriteTool.definition(sessions.processes()),
            ProcessKillTool.definition(sessions.processes()),
            ProcessListTool.definition(sessions.processes()));
    Set<String> names = new HashSet<>();
    for (ToolDefinition tool : tools) {
      if (!names.add(tool.name())) {
        throw new IllegalStateException("two tools are named " + tool.name());
      }
    }
    return tools;
  }
}
