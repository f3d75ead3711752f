package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth session cp} on the Docker backend, where the workspace is mounted at /workspace: the
 * paths a user copies from a shell in the session work as typed. Fails (never skips) when CI is set
 * and no engine answers.
 */
class DockerCopyCliTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String prefix = "bcp" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
  @TempDir Path home;
  @TempDir Path work;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeAll
  static void needsAnEngine() {
    DockerRequired.check();
  }

  @BeforeEach
  void start() {
    berth = new TestServer(home, Map.of("BERTH_PREFIX", prefix), "docker");
    env = new HashMap<>(Map.of("BERTH_URL", berth.url(), "BERTH_HOME", home.toString()));
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    String instance = Files.readString(home.resolve("instance.id")).strip();
    PrefixCleanup.remove(prefix, instance);
  }

  private record Run(int code, String out, String err) {}

  private Run berth(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void workspacePathsDirectoriesAndErrorsInTheUsersTerms() throws Exception {
    Run create = berth("session", "create", "--id", "dcp");
    assertThat(create.code()).as(create.err()).isZero();
    Path w = Files.writeString(work.resolve("w.txt"), "w\n");

    Run under = berth("session", "cp", "-p", w.toString(), "dcp:/workspace/docs/w.txt");
    assertThat(under.code()).as(under.err()).isZero();
    assertThat(berth("session", "exec", "dcp", "cat /workspace/docs/w.txt").out()).isEqualTo("w\n");
    assertThat(berth("session", "exec", "dcp", "test -e /workspace/workspace").code()).isEqualTo(1);

    Run outside = berth("session", "cp", w.toString(), "dcp:/etc/passwd");
    assertThat(outside.code()).isEqualTo(1);
    assertThat(outside.err())
        .contains("'/etc/passwd' is outside session dcp's workspace")
        .contains("under its mount /workspace");

    Run beneath = berth("session", "cp", w.toString(), "dcp:docs/w.txt/x.txt");
    assertThat(beneath.code()).isEqualTo(1);
    assertThat(beneath.err().strip()).isEqualTo("berth: dcp:docs/w.txt is a file, not a directory");

    Files.createDirectories(work.resolve("tree/sub"));
    Files.writeString(work.resolve("tree/sub/a.txt"), "a\n");
    Run up = berth("session", "cp", "-r", work.resolve("tree").toString(), "dcp:/workspace/");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(berth("session", "exec", "dcp", "cat tree/sub/a.txt").out()).isEqualTo("a\n");
    Run down = berth("session", "cp", "-r", "dcp:/workspace/tree", work.resolve("back").toString());
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(work.resolve("back/sub/a.txt")).hasContent("a");
    assertThat(berth("session", "rm", "dcp").code()).isZero();
  }
}
