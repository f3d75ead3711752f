package dev.berth.mcp.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.auth.Principal;
import dev.berth.base.BerthException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolDefinitionTest {
  private static final McpCaller ADMIN = new McpCaller(new Principal.Admin());

  private static ToolDefinition echo(ToolHandler handler) {
    return new ToolDefinition(
        "session_echo",
        "Echo",
        "Says what it was given.",
        ToolKind.ARBITRARY,
        Schema.object().required("text", Schema.string()),
        handler);
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Test
  void advertisesNameTextsSchemaAndTheKindsHints() {
    Tool tool = echo((caller, args) -> ToolResults.text("")).advertised();
    assertThat(tool.name()).isEqualTo("session_echo");
    assertThat(tool.title()).isEqualTo("Echo");
    assertThat(tool.description()).isEqualTo("Says what it was given.");
    assertThat(tool.inputSchema())
        .isEqualTo(Schema.object().required("text", Schema.string()).toMap());
    assertThat(tool.annotations().title()).isEqualTo("Echo");
    assertThat(tool.annotations().readOnlyHint()).isFalse();
    assertThat(tool.annotations().destructiveHint()).isTrue();
    assertThat(tool.annotations().idempotentHint()).isFalse();
    assertThat(tool.annotations().openWorldHint()).isTrue();
  }

  @Test
  void aCallRunsTheHandlerWithTheArguments() {
    CallToolResult r =
        echo((caller, args) -> ToolResults.text(args.requiredString("text")))
            .call(ADMIN, Map.of("text", "hi"));
    assertThat(r.isError()).isFalse();
    assertThat(text(r)).isEqualTo("hi");
  }

  @Test
  void aFailedCallIsAToolErrorNeverAnException() {
    ToolDefinition tool = echo((caller, args) -> ToolResults.text(args.requiredString("text")));
    CallToolResult missing = tool.call(ADMIN, null);
    assertThat(missing.isError()).isTrue();
    assertThat(text(missing)).isEqualTo("'text' is required");

    CallToolResult crashed =
        echo((caller, args) -> {
              throw new IllegalStateException("bug");
            })
            .call(ADMIN, Map.of());
    assertThat(crashed.isError()).isTrue();
    assertThat(text(crashed)).startsWith("internal error (reference ").doesNotContain("bug");

    CallToolResult refused =
        echo((caller, args) -> {
              throw BerthException.badRequest("no");
            })
            .call(ADMIN, Map.of());
    assertThat(text(refused)).isEqualTo("no");
  }

  @Test
  void namesAreWireSafe() {
    assertThatThrownBy(
            () ->
                new ToolDefinition(
                    "Session Echo",
                    "t",
                    "d",
                    ToolKind.READ,
                    Schema.object(),
                    (c, a) -> ToolResults.text("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Session Echo");
  }
}
