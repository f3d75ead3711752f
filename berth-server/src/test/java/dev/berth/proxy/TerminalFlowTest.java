package dev.berth.proxy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's terminal in a real browser ({@code src/test/browser/terminal.mjs}, Debian's
 * Chromium through playwright-core) against a Berth on the local backend: open it from a session's
 * row, {@code echo $((6*7))} shows 42, {@code stty size} is the panel's size and follows the window
 * when it is resized, paste with Ctrl+Shift+V and copy with Ctrl+Shift+C, close (the shell is
 * killed) and open again, the shell's exit code, and a session-token login's terminal. Screenshots
 * go to {@code target/browser-screenshots-terminal/}. Skipped without Chromium or Node, except
 * under CI, where it fails (see {@link BrowserFlow}).
 */
class TerminalFlowTest {
  @TempDir Path home;

  @Test
  void aSessionsTerminalWorksInARealBrowser() throws Exception {
    try (var f = new ProxyFixture(home)) {
      BrowserFlow.run("terminal.mjs", f.berth, "browser-screenshots-terminal");
    }
  }
}
