package dev.berth.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.service.FakeServices;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire pin: every tool Berth advertises is in {@code advertised-tools.json} with exactly that
 * name, title, description, input schema and annotations, compared as parsed JSON trees, and no
 * other tool is. A difference here is a change every MCP client sees, so the file changes only on
 * purpose: after a deliberate change, rewrite it with {@code -Dberth.updateAdvertisedTools=true}
 * and read its diff.
 */
class AdvertisedToolsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path SOURCE =
      Path.of("src/test/resources/dev/berth/mcp/advertised-tools.json");

  @TempDir Path home;

  @Test
  void everyToolIsAdvertisedExactlyAsPinned() throws IOException {
    Map<String, JsonNode> advertised = new LinkedHashMap<>();
    try (var t = new FakeServices(home, Map.of())) {
      for (var spec : BerthMcp.tools(t.service)) {
        Tool tool = spec.tool();
        advertised.put(tool.name(), JSON.readTree(BerthMcp.JSON.writeValueAsString(tool)));
      }
    }
    if (Boolean.getBoolean("berth.updateAdvertisedTools")) {
      Files.writeString(
          SOURCE,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(advertised.values()) + "\n");
    }
    Map<String, JsonNode> pinned = new LinkedHashMap<>();
    try (InputStream in = AdvertisedToolsTest.class.getResourceAsStream("advertised-tools.json")) {
      JSON.readTree(in).forEach(tool -> pinned.put(tool.get("name").asString(), tool));
    }
    if (!Boolean.getBoolean("berth.updateAdvertisedTools")) {
      assertThat(advertised.keySet()).containsExactlyElementsOf(pinned.keySet());
      pinned.forEach(
          (name, expected) ->
              assertThat(advertised.get(name))
                  .as("%s as advertised on the wire", name)
                  .isEqualTo(expected));
    }
  }
}
