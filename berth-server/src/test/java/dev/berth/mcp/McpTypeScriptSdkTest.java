package dev.berth.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth's {@code /mcp} transport driven by a client that is not Java: the official MCP TypeScript
 * SDK from npm (pinned by {@code src/test/mcp-ts/package-lock.json}), in the Node scripts of {@code
 * src/test/mcp-ts/}, against a real server on the local backend. Without Node or the installed SDK
 * the tests are skipped, except under CI, where they fail.
 */
class McpTypeScriptSdkTest {
  private static final Path DIR = Path.of("src/test/mcp-ts").toAbsolutePath();
  @TempDir Path home;

  @Test
  void errorsArgumentsCancellationProgressVersionsAndOrigin() throws Exception {
    try (var berth = new TestServer(home)) {
      run("transport.mjs", berth, Map.of());
    }
  }

  @Test
  void idleMcpSessionsExpireAndATokenHoldsAtMostItsCap() throws Exception {
    try (var berth =
        new TestServer(
            home,
            Map.of(
                "BERTH_MCP_SESSION_IDLE_TIMEOUT", "1s", "BERTH_MCP_MAX_SESSIONS_PER_TOKEN", "3"))) {
      run("sessions.mjs", berth, Map.of());
    }
  }

  @Test
  void theChangesResourceIsSubscribedToToldOfEachWriterAndScoped() throws Exception {
    try (var berth = new TestServer(home)) {
      run("changes.mjs", berth, Map.of());
    }
  }

  @Test
  void afterARestartAClientThatInitializesAgainCarriesOn() throws Exception {
    var before = new TestServer(home);
    String output;
    try {
      output = run("restart.mjs", before, Map.of("PHASE", "before"));
    } finally {
      before.stopKeepingSessions();
    }
    Matcher session = Pattern.compile("SESSION (\\S+)").matcher(output);
    assertThat(session.find()).as(output).isTrue();
    try (var after = new TestServer(home)) {
      run("restart.mjs", after, Map.of("PHASE", "after", "STALE_SESSION", session.group(1)));
    }
  }

  /** Runs {@code script}; fails with its output unless every step passed. */
  private static String run(String script, TestServer berth, Map<String, String> env)
      throws Exception {
    Path node = node();
    Path log = Files.createTempFile("mcp-ts-", ".log");
    try {
      var command =
          new ProcessBuilder(node.toString(), script)
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              // to a file, not a pipe: a hung script must not hang the read past the time limit
              .redirectOutput(log.toFile());
      command.environment().put("BERTH_URL", berth.url());
      command.environment().put("BERTH_ADMIN_TOKEN", berth.adminToken);
      command.environment().putAll(env);
      Process p = command.start();
      boolean ended = p.waitFor(3, TimeUnit.MINUTES);
      if (!ended) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(output);
      assertThat(ended).as("%s still running after 3 minutes:%n%s", script, output).isTrue();
      assertThat(p.exitValue()).as("%s failed:%n%s", script, output).isZero();
      assertThat(output).contains("steps passed");
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Node, with the SDK installed beside the scripts; else a skip (a failure under CI). */
  private static Path node() throws IOException, InterruptedException {
    Path node = onPath("node");
    String missing = "";
    if (node == null) {
      missing = " Node.js (apt-get install nodejs npm)";
    } else if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      missing = install();
    }
    if (!missing.isEmpty()) {
      String message = "the TypeScript SDK tests need:" + missing;
      if (System.getenv("CI") != null) {
        throw new AssertionError(message + " (CI is set: these tests must run)");
      }
      Assumptions.abort(message);
    }
    return node;
  }

  /** What is missing after {@code npm ci} (the lock file pins the SDK): nothing, or why. */
  private static String install() throws IOException, InterruptedException {
    Path npm = onPath("npm");
    if (npm == null) {
      return " @modelcontextprotocol/sdk (npm ci in " + DIR + "; npm is missing)";
    }
    Process install =
        new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return install.waitFor() == 0
        ? ""
        : " @modelcontextprotocol/sdk (npm ci in " + DIR + " failed: " + log + ")";
  }

  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
