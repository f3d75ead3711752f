package dev.berth.proxy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the proxy in a real browser: Debian's Chromium, driven by playwright-core from
 * Node ({@code src/test/browser/flow.mjs}) against a Berth started here. Log in; the id field's
 * pattern is one Chromium accepts and checks; create a session whose app serves a page and a
 * WebSocket echo; at 390 px the page is no wider than the window; a FAILED session shows its reason
 * in its row; open the app through the proxy; exchange messages; stop it and see the stopped page;
 * start it from there (its heading says "starting"); a second session's cookie does not open the
 * first; events and log; delete and see the receipt; the create form's note goes with its session.
 * Screenshots of every step go to {@code target/browser-screenshots/}. Without Chromium or Node the
 * test is skipped, except under CI, where it fails (see {@link BrowserFlow}).
 */
class BrowserFlowTest {
  @TempDir Path home;

  @Test
  void theDashboardAndTheProxyWorkInARealBrowser() throws Exception {
    try (var f = new ProxyFixture(home)) {
      BrowserFlow.run("flow.mjs", f.berth, "browser-screenshots");
    }
  }
}
