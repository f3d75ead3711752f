package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of the CLI against real servers: which server it talks to, with which token, what
 * it says when something is off, and its exit codes.
 */
class ClientCliTest {
  @TempDir Path dir;
  private TestServer first;
  private TestServer second;

  @AfterEach
  void stop() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run berth(Map<String, String> env, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static int port(TestServer s) {
    return URI.create(s.url()).getPort();
  }

  private static int sessions(TestServer s) {
    return s.admin("GET", "/api/v1/sessions", null).json().size();
  }

  @Test
  void theClientTalksToTheServerOfTheDataDirectoryItsTokenCameFrom() throws Exception {
    first = new TestServer(Files.createDirectories(dir.resolve("one")));
    second = new TestServer(Files.createDirectories(dir.resolve("two")));
    // The first names its port in berth.yaml, the second in BERTH_PORT: as their servers read it.
    Files.writeString(first.home.resolve("berth.yaml"), "port: " + port(first) + "\n");
    var one = Map.of("BERTH_HOME", first.home.toString());
    var two = Map.of("BERTH_HOME", second.home.toString(), "BERTH_PORT", "" + port(second));

    Run a = berth(one, "session", "create", "--id", "in-one");
    assertThat(a.code()).as(a.err()).isZero();
    Run b = berth(two, "session", "create", "--id", "in-two");
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(sessions(first)).isEqualTo(1);
    assertThat(sessions(second)).isEqualTo(1);
    assertThat(berth(one, "session", "ls").out()).contains("in-one").doesNotContain("in-two");
    assertThat(berth(two, "session", "ls").out()).contains("in-two").doesNotContain("in-one");

    // Only BERTH_URL sends one installation's token elsewhere: the other server refuses it.
    var crossed = new HashMap<>(one);
    crossed.put("BERTH_URL", second.url());
    Run refused = berth(crossed, "session", "ls");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("401");
  }

  @Test
  void whatIsOffIsOneLineThatSaysWhatToDo() throws Exception {
    first = new TestServer(Files.createDirectories(dir.resolve("one")));
    Path empty = Files.createDirectories(dir.resolve("empty"));

    Run noScheme =
        berth(
            Map.of("BERTH_HOME", empty.toString(), "BERTH_URL", "127.0.0.1:7780"), "session", "ls");
    assertThat(noScheme.code()).isEqualTo(1);
    assertThat(noScheme.err().strip())
        .isEqualTo(
            "berth: BERTH_URL is '127.0.0.1:7780': BERTH_URL must be a server's address with its"
                + " scheme, such as http://127.0.0.1:7780");

    Run noToken =
        berth(Map.of("BERTH_HOME", empty.toString(), "BERTH_URL", first.url()), "session", "ls");
    assertThat(noToken.code()).isEqualTo(1);
    assertThat(noToken.err())
        .contains("BERTH_TOKEN is not set and there is no " + empty.resolve("admin.token"))
        .doesNotContain("Authorization")
        .doesNotContain("\n ");

    // A second server on a port that is taken: one line, no JavalinBindException.
    Path other = Files.createDirectories(dir.resolve("other"));
    Run taken =
        Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                berth(
                    Map.of("BERTH_HOME", other.toString()),
                    "serve",
                    "--backend",
                    "local",
                    "--port",
                    "" + port(first)));
    assertThat(taken.code()).isEqualTo(1);
    assertThat(taken.err())
        .contains("port " + port(first) + " on 127.0.0.1 is taken")
        .contains("--port")
        .doesNotContain("Exception");
  }

  @Test
  void execSetsBerthsOwnFailuresApartFromTheCommandsExitCode() throws Exception {
    first = new TestServer(Files.createDirectories(dir.resolve("one")));
    var env = new HashMap<>(Map.of("BERTH_HOME", first.home.toString(), "BERTH_URL", first.url()));
    assertThat(berth(env, "session", "create", "--id", "ex").code()).isZero();

    assertThat(berth(env, "session", "exec", "ex", "exit 1").code()).isEqualTo(1);
    assertThat(berth(env, "session", "exec", "ex", "exit 3").code()).isEqualTo(3);
    Run unknown = berth(env, "session", "exec", "nope", "true");
    assertThat(unknown.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(unknown.err()).contains("no session 'nope'");
    assertThat(berth(env, "session", "exec", "ex").code())
        .as("a wrong command line")
        .isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(berth(env, "session", "attach", "ex", "p-none").code())
        .isEqualTo(ExitCodes.BERTH_FAILED);

    // Durations take the config's units.
    Run killed = berth(env, "session", "exec", "ex", "--timeout", "1s", "sleep 30");
    assertThat(killed.code()).isEqualTo(ExitCodes.TIMED_OUT);
    assertThat(berth(env, "session", "exec", "ex", "--timeout", "5m", "true").code()).isZero();
    assertThat(berth(env, "session", "exec", "ex", "--timeout", "1500ms", "true").code()).isZero();
    Run badDuration = berth(env, "session", "exec", "ex", "--timeout", "5x", "true");
    assertThat(badDuration.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(badDuration.err()).contains("'5x' is not a duration");

    // Any other command fails with 1 as before; the server down is Berth's failure in exec.
    env.put("BERTH_URL", "http://127.0.0.1:1");
    assertThat(berth(env, "session", "ls").code()).isEqualTo(ExitCodes.FAILED);
    Run down = berth(env, "session", "exec", "ex", "true");
    assertThat(down.code()).isEqualTo(ExitCodes.BERTH_FAILED);
    assertThat(down.err()).contains("no Berth server answers");
  }

  @Test
  void completionVersionAndHelpOnEveryCommand() {
    Map<String, String> env = Map.of("BERTH_HOME", dir.toString());
    Run bash = berth(env, "completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("session").contains("--parents");
    Run zsh = berth(env, "completion", "zsh");
    assertThat(zsh.out()).contains("bashcompinit");
    assertThat(berth(env, "completion", "fish").err()).contains("bash and zsh");

    assertThat(berth(env, "session", "-V").out()).startsWith("berth ");
    assertThat(berth(env, "session", "cp", "--version").out()).startsWith("berth ");
    Run versionHelp = berth(env, "version", "--help");
    assertThat(versionHelp.code()).isZero();
    assertThat(versionHelp.out()).contains("Usage: berth version");
  }
}
