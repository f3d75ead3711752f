package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of the browser flows in {@code src/test/browser/} (Node + playwright-core driving
 * Debian's Chromium, see {@code harness.mjs}) against a Berth started by the test, and fails with
 * the flow's output when a step fails. Without Chromium or Node the test is skipped, except under
 * CI, where it fails.
 */
public final class BrowserFlow {
  // The flows live in berth-server; other modules' tests (Docker ones in berth-cli) run them too.
  private static final Path DIR =
      (Files.isDirectory(Path.of("src/test/browser"))
              ? Path.of("src/test/browser")
              : Path.of("../berth-server/src/test/browser"))
          .toAbsolutePath()
          .normalize();
  private static final long MINUTES = 5;

  private BrowserFlow() {}

  /**
   * Runs {@code script}; every step's screenshot goes to {@code target/<screenshots>/}, emptied
   * first so a failure's pictures are this run's.
   */
  static void run(String script, TestServer berth, String screenshots) throws Exception {
    run(script, berth.url(), berth.adminToken, Map.of("TEMPLATE", "testapp"), screenshots);
  }

  /**
   * Runs {@code script} against the Berth at {@code url}, with {@code env} added to the flow's
   * environment (what the script reads besides BERTH_URL and BERTH_ADMIN_TOKEN).
   */
  public static void run(
      String script, String url, String adminToken, Map<String, String> env, String screenshots)
      throws Exception {
    Tools tools = Tools.find();
    Path shots = Path.of("target", screenshots).toAbsolutePath();
    deleteScreenshots(shots);
    Files.createDirectories(shots);
    Path log = shots.resolve(script + ".log");
    var command =
        new ProcessBuilder(tools.node().toString(), script)
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            // to a file, not a pipe: a hung browser must not hang the read past the time limit
            .redirectOutput(log.toFile());
    var flowEnv = command.environment();
    flowEnv.put("BERTH_URL", url);
    flowEnv.put("BERTH_ADMIN_TOKEN", adminToken);
    flowEnv.put("SCREENSHOTS", shots.toString());
    flowEnv.put("CHROMIUM", tools.chromium().toString());
    flowEnv.putAll(env);
    Process node = command.start();
    boolean ended = node.waitFor(MINUTES, TimeUnit.MINUTES);
    if (!ended) {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(ended)
        .as(
            "%s still running after %d minutes (screenshots in %s):%n%s",
            script, MINUTES, shots, output)
        .isTrue();
    assertThat(node.exitValue())
        .as("the browser flow failed (screenshots in %s):%n%s", shots, output)
        .isZero();
    assertThat(output).contains("steps passed");
  }

  private static void deleteScreenshots(Path shots) throws IOException {
    if (Files.isDirectory(shots)) {
      try (var files = Files.list(shots)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Node, Chromium and playwright-core, or a skip (a failure under CI) that says what is missing.
   */
  private record Tools(Path node, Path chromium) {
    static Tools find() throws IOException, InterruptedException {
      Path chromium = Path.of(System.getenv().getOrDefault("BERTH_CHROMIUM", "/usr/bin/chromium"));
      Path node = onPath("node");
      String missing = "";
      if (!Files.isExecutable(chromium)) {
        missing += " Chromium (" + chromium + "; apt-get install chromium)";
      }
      if (node == null) {
        missing += " Node.js (apt-get install nodejs npm)";
      }
      if (missing.isEmpty() && !Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) {
        missing += installPlaywright();
      }
      if (!missing.isEmpty()) {
        String message = "browser tests need:" + missing;
        if (System.getenv("CI") != null) {
          throw new AssertionError(message + " (CI is set: browser tests must run)");
        }
        Assumptions.abort(message);
      }
      return new Tools(node, chromium);
    }

    /**
     * What is missing after trying {@code npm ci}: nothing, or why playwright-core is not there.
     */
    private static String installPlaywright() throws IOException, InterruptedException {
      Path npm = onPath("npm");
      if (npm == null) {
        return " playwright-core (npm ci in " + DIR + "; npm is missing)";
      }
      // The lock file pins playwright-core; .ci/run installs it the same way beforehand.
      Process install =
          new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              .start();
      String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return install.waitFor() == 0
          ? ""
          : " playwright-core (npm ci in " + DIR + " failed: " + log + ")";
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
}
