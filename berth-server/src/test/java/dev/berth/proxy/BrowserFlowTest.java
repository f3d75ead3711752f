package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the proxy in a real browser: Debian's Chromium, driven by playwright-core from
 * Node ({@code src/test/browser/flow.mjs}) against a Berth started here. Log in; create a session
 * whose app serves a page and a WebSocket echo; open it through the proxy; exchange messages; stop
 * it and see the stopped page; start it again; a second session's cookie does not open the first;
 * events and log; delete and see the receipt. Screenshots of every step go to {@code
 * target/browser-screenshots/}. Without Chromium or Node the test is skipped, except under CI,
 * where it fails.
 */
class BrowserFlowTest {
  private static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();
  private static final Path SCREENSHOTS = Path.of("target/browser-screenshots").toAbsolutePath();

  @TempDir Path home;

  @Test
  void theDashboardAndTheProxyWorkInARealBrowser() throws Exception {
    BrowserTools tools = BrowserTools.find(BROWSER_DIR);
    deleteScreenshots();
    try (var f = new ProxyFixture(home)) {
      var command =
          new ProcessBuilder(tools.node().toString(), "flow.mjs")
              .directory(BROWSER_DIR.toFile())
              .redirectErrorStream(true);
      var env = command.environment();
      env.put("BERTH_URL", f.berth.url());
      env.put("BERTH_ADMIN_TOKEN", f.berth.adminToken);
      env.put("SCREENSHOTS", SCREENSHOTS.toString());
      env.put("CHROMIUM", tools.chromium().toString());
      env.put("TEMPLATE", "testapp");
      Process node = command.start();
      byte[] out = node.getInputStream().readAllBytes();
      boolean ended = node.waitFor(5, TimeUnit.MINUTES);
      if (!ended) {
        node.destroyForcibly();
      }
      String output = new String(out, StandardCharsets.UTF_8);
      System.out.println(output);
      assertThat(ended && node.exitValue() == 0)
          .as("the browser flow failed (screenshots in %s):%n%s", SCREENSHOTS, output)
          .isTrue();
      assertThat(output).contains("steps passed");
    }
  }

  private static void deleteScreenshots() throws IOException {
    if (Files.isDirectory(SCREENSHOTS)) {
      try (var files = Files.list(SCREENSHOTS)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Node, Chromium and playwright-core, or a skip (a failure under CI) that says what is missing.
   */
  record BrowserTools(Path node, Path chromium) {
    static BrowserTools find(Path browserDir) throws IOException, InterruptedException {
      Path chromium = Path.of(System.getenv().getOrDefault("BERTH_CHROMIUM", "/usr/bin/chromium"));
      Path node = onPath("node");
      String missing = "";
      if (!Files.isExecutable(chromium)) {
        missing += " Chromium (" + chromium + "; apt-get install chromium)";
      }
      if (node == null) {
        missing += " Node.js (apt-get install nodejs npm)";
      }
      if (missing.isEmpty()
          && !Files.isDirectory(browserDir.resolve("node_modules/playwright-core"))) {
        Path npm = onPath("npm");
        if (npm != null) {
          // The lock file pins playwright-core; .ci/run installs it the same way beforehand.
          Process install =
              new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
                  .directory(browserDir.toFile())
                  .redirectErrorStream(true)
                  .start();
          String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          if (install.waitFor() != 0) {
            missing += " playwright-core (npm ci in " + browserDir + " failed: " + log + ")";
          }
        } else {
          missing += " playwright-core (npm ci in " + browserDir + "; npm is missing)";
        }
      }
      if (!missing.isEmpty()) {
        String message = "browser tests need:" + missing;
        if (System.getenv("CI") != null) {
          throw new AssertionError(message + " (CI is set: browser tests must run)");
        }
        Assumptions.abort(message);
      }
      return new BrowserTools(node, chromium);
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
