package dev.berth.mcp.tools;

import static dev.berth.mcp.tools.ToolFixture.args;
import static dev.berth.mcp.tools.ToolFixture.error;
import static dev.berth.mcp.tools.ToolFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.auth.LoginProof;
import dev.berth.auth.Principal;
import dev.berth.base.SessionId;
import dev.berth.mcp.tool.LoginLinks;
import dev.berth.mcp.tool.McpCaller;
import dev.berth.mcp.tool.ToolDefinition;
import dev.berth.mcp.tool.ToolProgress;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SessionPreviewLinkToolTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final LoginProof PROOF = new LoginProof("hash-of-the-token");

  @TempDir Path home;

  /** Records what it was asked to issue; every link's code is "code-<n>". */
  private static final class FakeLinks implements LoginLinks {
    final List<String> issued = new ArrayList<>();

    @Override
    public Function<SessionId, String> appOrigins(HttpServletRequest request) {
      throw new AssertionError("the tool gets its origins from the caller");
    }

    @Override
    public Issued issue(SessionId id, Principal principal, LoginProof proof) {
      issued.add(id.value() + " " + principal.getClass().getSimpleName() + " " + proof.hash());
      return new Issued("code-" + issued.size(), Instant.parse("2026-01-01T10:01:00Z"));
    }
  }

  private static McpCaller overHttp(Principal p) {
    return new McpCaller(
        p,
        ToolProgress.NONE,
        Optional.of(new McpCaller.Browser(PROOF, id -> "https://berth.example.org")));
  }

  @Test
  void givesAOneTimeLinkToAPortAndSaysWhenTheTemplateDidNotDeclareIt() {
    try (var f = new ToolFixture(home)) {
      var links = new FakeLinks();
      ToolDefinition tool = SessionPreviewLinkTool.definition(f.sessions, links);
      SessionId mine = f.session("mine");
      f.session("theirs");
      McpCaller holder = overHttp(new Principal.SessionScoped(mine));

      JsonNode link = JSON.readTree(ok(tool, holder, args("port", 5173)));
      assertThat(link.get("session_id").asString()).isEqualTo("mine");
      assertThat(link.get("path").asString()).isEqualTo("/s/mine/port/5173/");
      assertThat(link.get("url").asString())
          .isEqualTo("https://berth.example.org/s/mine/port/5173/?token=code-1");
      assertThat(link.get("expires_at").asString()).isEqualTo("2026-01-01T10:01:00Z");
      assertThat(link.get("declared").asBoolean()).isFalse();
      assertThat(link.get("note").asString()).contains("not declared by template");
      // Issued for the caller, with the credential the call proved itself with.
      assertThat(links.issued).containsExactly("mine SessionScoped hash-of-the-token");

      // The default template declares no ports: the agent must say which one.
      assertThat(error(tool, holder, args())).contains("declares no app ports", "give 'port'");
      assertThat(error(tool, holder, args("port", 0))).contains("port");
      assertThat(error(tool, holder, args("port", 70000))).contains("port");
      // Another session's token holder is told the session does not exist, and gets no link.
      assertThat(error(tool, holder, args("session_id", "theirs", "port", 80)))
          .contains("no session 'theirs'");
      assertThat(links.issued).hasSize(1);
      // A call that did not come over HTTP has no credential to make a link from.
      assertThat(error(tool, ToolFixture.tokenOf(mine), args("port", 80)))
          .contains("needs the caller's HTTP request");
    }
  }

  @Test
  void withoutAProxyNoLinkIsMade() {
    try (var f = new ToolFixture(home)) {
      ToolDefinition tool = SessionPreviewLinkTool.definition(f.sessions, LoginLinks.NONE);
      f.session("alone");
      assertThat(
              error(tool, overHttp(new Principal.Admin()), args("session_id", "alone", "port", 80)))
          .contains("no browser proxy");
    }
  }
}
