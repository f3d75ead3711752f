package dev.berth.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.service.FakeServices;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire pin: every tool in {@code advertised-tools.json} (written from the tools as Berth
 * advertised them when their schemas were still JSON strings) is advertised with exactly that name,
 * title, description, input schema and annotations, compared as parsed JSON trees. A difference
 * here is a change every MCP client sees, so the file changes only on purpose (session_exec's entry
 * did when it gained {@code background}, {@code open_stdin} and progress). A tool added later pins
 * its own schema in its own test; this file is not extended.
 */
class AdvertisedToolsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;

  @Test
  void everyPinnedToolIsAdvertisedExactlyAsBefore() throws IOException {
    Map<String, JsonNode> pinned = new LinkedHashMap<>();
    try (InputStream in = AdvertisedToolsTest.class.getResourceAsStream("advertised-tools.json")) {
      JSON.readTree(in).forEach(tool -> pinned.put(tool.get("name").asString(), tool));
    }
    assertThat(pinned).hasSize(13);
    Map<String, JsonNode> advertised = new LinkedHashMap<>();
    try (var t = new FakeServices(home, Map.of())) {
      for (var spec : BerthMcp.tools(t.service)) {
        Tool tool = spec.tool();
        advertised.put(tool.name(), JSON.readTree(BerthMcp.JSON.writeValueAsString(tool)));
      }
    }
    assertThat(advertised).containsKeys(pinned.keySet().toArray(String[]::new));
    pinned.forEach(
        (name, expected) ->
            assertThat(advertised.get(name))
                .as("%s as advertised on the wire", name)
                .isEqualTo(expected));
  }
}
