package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apps on their own origin in a real browser: Berth with {@code appsDomain: localhost} (Chromium
 * resolves {@code *.localhost} to loopback itself, so session hosts are {@code
 * <id>.localhost:<port>} with no DNS set-up), driven by {@code src/test/browser/origin.mjs}. Log in
 * to the dashboard; Open loads the app on {@code http://<id>.localhost:<port>/s/<id>/}; script in
 * the app sees no Berth cookie and gets 404 for the API on its origin and a CORS refusal on
 * Berth's; the stopped page there points to the dashboard; a second session's cookie does not open
 * the first. Screenshots go to {@code target/browser-screenshots-origin/}. Skipped without Chromium
 * or Node, except under CI, where it fails.
 */
class OriginFlowTest {
  private static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();
  private static final Path SCREENSHOTS =
      Path.of("target/browser-screenshots-origin").toAbsolutePath();

  @TempDir Path home;

  @Test
  void eachSessionsAppRunsOnItsOwnOriginInARealBrowser() throws Exception {
    var tools = BrowserFlowTest.BrowserTools.find(BROWSER_DIR);
    deleteScreenshots();
    try (var f = new ProxyFixture(home, Map.of("BERTH_APPS_DOMAIN", "localhost"))) {
      var command =
          new ProcessBuilder(tools.node().toString(), "origin.mjs")
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
}
