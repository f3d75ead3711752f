package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.berth.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code berth session exec -it} and {@code berth shell} in a real pseudo-terminal: the CLI runs in
 * a JVM of its own under a pty4j terminal (pty4j comes with berth-local, whose terminals it makes),
 * as a user's would, against a real server on the local backend. Keys typed there reach the
 * session's shell, its answers come back, the terminal's size goes with it at the start and after a
 * resize (SIGWINCH), ^C goes to the remote command instead of ending the CLI, the CLI exits with
 * the shell's exit code, and the terminal is as it was afterwards.
 */
class TerminalCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path home;
  private static TestServer berth;

  @BeforeAll
  static void start() {
    berth = new TestServer(home);
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"term\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    berth.close();
  }

  /** What the terminal showed so far (the CLI's output, the remote echo included). */
  private static final class Screen {
    private final StringBuffer text = new StringBuffer();

    Screen(InputStream in) {
      Thread.ofVirtual()
          .start(
              () -> {
                byte[] b = new byte[4096];
                try {
                  int n;
                  while ((n = in.read(b)) >= 0) {
                    text.append(new String(b, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException ended) {
                  // the terminal closed
                }
              });
    }

    String text() {
      return text.toString();
    }

    /** What the terminal showed after the first {@code mark}. */
    String after(String mark) {
      String t = text();
      int at = t.indexOf(mark);
      return at < 0 ? "" : t.substring(at + mark.length());
    }

    /** The terminal's modes as the wrapper printed them with this label ({@code stty -g}). */
    String modes(String label) {
      Matcher m = Pattern.compile(label + ":([^\\r\\n]+)").matcher(text());
      assertThat(m.find()).as(label + " in " + text()).isTrue();
      return m.group(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session exec -it term -- /bin/sh", "shell term"})
  void theRemoteShellGetsKeysSizeResizesAndInterruptsAndTheCliExitsWithItsCode(String command)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> argv = new ArrayList<>();
    // A wrapper shell notes the terminal's modes before and after, and passes on the CLI's code.
    argv.addAll(
        List.of(
            "/bin/sh",
            "-c",
            "echo \"MODES-BEFORE:$(stty -g)\"; \"$@\"; rc=$?;"
                + " echo \"MODES-AFTER:$(stty -g)\"; exit $rc",
            "wrapper",
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            BerthCli.class.getName()));
    argv.addAll(List.of(command.split(" ")));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("BERTH_URL", berth.url());
    env.put("BERTH_HOME", home.toString());
    env.put("TERM", "xterm");
    PtyProcess pty =
        new PtyProcessBuilder(argv.toArray(String[]::new))
            .setEnvironment(env)
            .setInitialColumns(100)
            .setInitialRows(30)
            .start();
    try {
      var screen = new Screen(pty.getInputStream());
      OutputStream keys = pty.getOutputStream();
      // The remote shell's prompt, after the wrapper's first line: the CLI is attached.
      await().atMost(WAIT).until(() -> screen.text().matches("(?s)MODES-BEFORE:.*\\n.*[$#] $"));

      type(keys, "echo $((6*7))\r");
      await().atMost(WAIT).until(() -> screen.text().contains("\r\n42\r\n"));

      // The size the terminal had at the start went with the process ("rows cols")...
      type(keys, "stty size\r");
      await().atMost(WAIT).until(() -> screen.text().contains("\r\n30 100\r\n"));

      // ...and a resize of this terminal reaches it (SIGWINCH here, a resize message there).
      pty.setWinSize(new WinSize(120, 40));
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                type(keys, "stty size\r");
                return screen.text().contains("\r\n40 120\r\n");
              });

      // Raw mode: ^C is a key for the remote terminal (it interrupts the sleep there), not a
      // SIGINT that would end the CLI; the shell then answers again.
      // The next line is typed once the prompt is back: a terminal's ^C also discards what was
      // typed but not yet read, and that could be the next line.
      type(keys, "sleep 60\r");
      await().atMost(WAIT).until(() -> screen.text().contains("sleep 60\r\n"));
      type(keys, "\u0003");
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(screen.after("sleep 60\r\n")).containsPattern("[$#] $"));
      type(keys, "echo $((6*8))\r");
      await().atMost(WAIT).untilAsserted(() -> assertThat(screen.text()).contains("\r\n48\r\n"));

      type(keys, "exit 3\r");
      assertThat(pty.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as(screen.text()).isTrue();
      assertThat(pty.exitValue()).as(screen.text()).isEqualTo(3);
      await().atMost(WAIT).until(() -> screen.text().contains("MODES-AFTER:"));
      // Raw mode was undone: the terminal's modes are those it had before the CLI ran.
      assertThat(screen.modes("MODES-AFTER")).isEqualTo(screen.modes("MODES-BEFORE"));
    } finally {
      if (pty.isAlive()) {
        pty.destroyForcibly();
      }
    }
  }

  private static void type(OutputStream keys, String text) throws IOException {
    keys.write(text.getBytes(StandardCharsets.UTF_8));
    keys.flush();
  }
}
