package dev.berth.mcp.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.mcp.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every tool in the list must be, whoever adds it. */
class McpToolsTest {
  @TempDir Path home;

  @Test
  void everyToolIsNamedForSessionsDescribedAndAsksOnlyForWhatItDeclares() {
    try (var f = new ToolFixture(home)) {
      List<ToolDefinition> tools = McpTools.all(f.sessions);
      assertThat(tools).extracting(ToolDefinition::name).doesNotHaveDuplicates();
      for (ToolDefinition t : tools) {
        assertThat(t.name()).startsWith("session_");
        assertThat(t.title()).as(t.name()).isNotBlank();
        assertThat(t.description()).as(t.name()).isNotBlank();
        assertThat(t.input().propertyNames())
            .as(t.name() + " requires only properties it declares")
            .containsAll(t.input().requiredNames());
        if (t.input().propertyNames().contains("session_id")
            && !t.input().requiredNames().contains("session_id")) {
          Map<?, ?> properties = (Map<?, ?>) t.input().toMap().get("properties");
          assertThat(properties.get("session_id"))
              .as(t.name() + " describes its optional session_id the same way as the others")
              .isEqualTo(CommonInputs.SESSION_ID.toMap());
        }
      }
    }
  }
}
