package dev.berth.cli;

import dev.berth.mcp.McpAgentToolsTest;
import dev.berth.server.TestServer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/** The agent tool tests again, with sessions on a real Docker engine. */
class DockerMcpAgentToolsTest extends McpAgentToolsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private String prefix;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @Override
  protected TestServer newServer(Map<String, String> env) {
    prefix = "bagt" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    Map<String, String> all = new HashMap<>(env);
    all.put("BERTH_PREFIX", prefix);
    return new TestServer(home, all, "docker");
  }

  /** 3 each here: every read and write goes through the engine; local runs the full 100. */
  @Override
  protected int appendsEach() {
    return 3;
  }

  @Override
  protected void afterServerClosed() throws Exception {
    String script =
        "docker rm -f $(docker ps -aq --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker volume rm $(docker volume ls -q --filter name="
            + prefix
            + "-) 2>/dev/null; "
            + "docker network rm "
            + prefix
            + "-net 2>/dev/null; "
            + "docker rmi "
            + prefix
            + "/default:latest 2>/dev/null; true";
    new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }
}
