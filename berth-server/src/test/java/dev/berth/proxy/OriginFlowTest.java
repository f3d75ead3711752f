package dev.berth.proxy;

import java.nio.file.Path;
import java.util.Map;
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
  @TempDir Path home;

  @Test
  void eachSessionsAppRunsOnItsOwnOriginInARealBrowser() throws Exception {
    try (var f = new ProxyFixture(home, Map.of("BERTH_APPS_DOMAIN", "localhost"))) {
      BrowserFlow.run("origin.mjs", f.berth, "browser-screenshots-origin");
    }
  }
}
