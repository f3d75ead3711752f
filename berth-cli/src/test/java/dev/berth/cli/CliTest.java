package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real server, the way a user types it. */
class CliTest {
  @TempDir Path home;
  @TempDir Path work;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    env = new HashMap<>(Map.of("BERTH_URL", berth.url(), "BERTH_HOME", home.toString()));
  }

  @AfterEach
  void stop() {
    berth.close();
  }

  private record Run(int code, String out, String err) {}

  private Run berth(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = BerthCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theTourFromTheReadme() throws Exception {
    Run create = berth("session", "create", "--id", "demo", "--label", "team=data");
    assertThat(create.code()).as(create.err()).isZero();
    assertThat(create.out()).contains("RUNNING").contains("session token").contains("berth_s_");
    // While it waits, the session's events as they happen.
    assertThat(create.err())
        .contains("creating session demo...")
        .containsPattern("(?m)^  created from template 'default'")
        .containsPattern("(?m)^  starting$")
        .containsPattern("(?m)^  running$");

    // Without --id the CLI names it as the server would, and follows it just the same.
    Run unnamed = berth("session", "create", "--json");
    assertThat(unnamed.code()).as(unnamed.err()).isZero();
    assertThat(unnamed.err()).containsPattern("creating session s-[a-z0-9]{10}\\.\\.\\.");
    assertThat(
            berth(
                    "session",
                    "rm",
                    unnamed.err().replaceAll("(?s).*creating session (s-[a-z0-9]{10}).*", "$1"))
                .code())
        .isZero();

    Path local = Files.writeString(work.resolve("hello.txt"), "hello from the host\n");
    Run cp = berth("session", "cp", "-p", local.toString(), "demo:docs/");
    assertThat(cp.out()).contains("copied 20 bytes");

    Run exec = berth("session", "exec", "demo", "--", "cat", "docs/hello.txt");
    assertThat(exec.code()).isZero();
    assertThat(exec.out()).isEqualTo("hello from the host\n");

    Run failing = berth("session", "exec", "demo", "echo nope >&2; exit 5");
    assertThat(failing.code()).isEqualTo(5);
    assertThat(failing.err()).contains("nope");

    Run back = berth("session", "cp", "demo:docs/hello.txt", work.resolve("back.txt").toString());
    assertThat(back.code()).as(back.err()).isZero();
    assertThat(Files.readString(work.resolve("back.txt"))).isEqualTo("hello from the host\n");

    Run ls = berth("session", "ls", "--label", "team=data");
    assertThat(ls.out()).contains("demo").contains("RUNNING");
    Run json = berth("session", "ls", "--json");
    assertThat(json.out()).contains("\"id\" : \"demo\"");

    Run rm = berth("session", "rm", "demo");
    assertThat(rm.code()).isZero();
    assertThat(rm.out())
        .contains("cleanup receipt for session demo")
        .contains("removed")
        .contains("directory");
    Run rmAgain = berth("session", "rm", "demo");
    assertThat(rmAgain.out()).contains("nothing left to remove");

    Run gone = berth("session", "show", "demo");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("berth: no session 'demo'").contains("404");
  }

  @Test
  void errorsAreOneClearLineAndANonZeroExit() {
    Run badId = berth("session", "create", "--id", "Not_Valid");
    assertThat(badId.code()).isEqualTo(1);
    assertThat(badId.err()).startsWith("berth: invalid session id 'Not_Valid'");

    Run badTemplate = berth("session", "create", "--template", "nope");
    assertThat(badTemplate.err()).contains("unknown template 'nope'");

    Run usage = berth("session", "frobnicate");
    assertThat(usage.code()).isEqualTo(2);

    env.put("BERTH_TOKEN", "berth_admin_wrong");
    Run unauthorized = berth("session", "ls");
    assertThat(unauthorized.code()).isEqualTo(1);
    assertThat(unauthorized.err()).contains("not valid").contains("401");

    env.put("BERTH_URL", "http://127.0.0.1:1");
    Run down = berth("session", "ls");
    assertThat(down.err()).contains("no Berth server answers at http://127.0.0.1:1");
  }

  @Test
  void copyingAFileOverTheLimitSaysSoEveryTimeAndLeavesNothing() throws Exception {
    berth.close();
    berth = new TestServer(home, Map.of("BERTH_MAX_FILE_BYTES", "2m"));
    env.put("BERTH_URL", berth.url());
    assertThat(berth("session", "create", "--id", "small").code()).isZero();
    // Above 1 MiB the CLI waits for the server's "100 Continue" before sending a byte.
    Path fits = Files.write(work.resolve("fits.bin"), new byte[1536 * 1024]);
    Run copied = berth("session", "cp", fits.toString(), "small:fits.bin");
    assertThat(copied.out()).as(copied.err()).contains("copied 1572864 bytes");

    // Past what the server reads and discards to deliver an error (2 MiB), a client that sent
    // the whole body at once lost the 413 to a reset connection about one time in ten (checked:
    // 7 of 60), so one refusal proves little: it must come back every time.
    Path big = Files.write(work.resolve("big.bin"), new byte[3 * 1024 * 1024]);
    for (int attempt = 1; attempt <= 40; attempt++) {
      Run cp = berth("session", "cp", big.toString(), "small:big.bin");
      assertThat(cp.code()).as("attempt " + attempt + ": " + cp.err()).isEqualTo(1);
      assertThat(cp.err()).as("attempt " + attempt).contains("413").contains("the limit is");
    }
    assertThat(berth("session", "cp", "small:big.bin", work.resolve("back").toString()).err())
        .contains("no file or directory big.bin in session small");
  }

  @Test
  void templatesVersionAndDoctor() {
    assertThat(berth("templates", "ls").out()).contains("default").contains("Built-in");
    assertThat(berth("version").out()).startsWith("berth ");
    Run doctor = berth("doctor");
    assertThat(doctor.out())
        .contains("local backend")
        .contains("docker backend")
        .contains("server")
        .contains("answers")
        .doesNotContain("not in this build");
  }

  @Test
  void templatesReloadAndLsSayWhatLoadedAndWhatWasSkipped() throws Exception {
    Path templates = Files.createDirectories(home.resolve("templates"));
    Files.createDirectories(templates.resolve("notes"));
    Files.writeString(templates.resolve("notes/template.yaml"), "description: my notes\n");
    Files.createDirectories(templates.resolve("typo"));
    Files.writeString(templates.resolve("typo/template.yaml"), "comand: [app]\n");

    Run reload = berth("templates", "reload");
    assertThat(reload.code()).as("a skipped template is exit code 1").isEqualTo(1);
    assertThat(reload.out())
        .containsPattern("(?m)^loaded: .*notes")
        .contains("skipped: typo (")
        .contains("comand");

    Run ls = berth("templates", "ls");
    assertThat(ls.code()).isZero();
    assertThat(ls.out())
        .containsPattern("(?m)^notes +.*my notes")
        .contains("template 'typo' does not load (")
        .contains("no session can be made from it");
    assertThat(berth("session", "create", "--id", "fromnotes", "--template", "notes").code())
        .isZero();
  }

  @Test
  void aPooledTemplateIsListedByPoolsLsAndItsCreateSaysItCameFromThePool() throws Exception {
    Path templates = Files.createDirectories(home.resolve("templates/web"));
    Files.writeString(
        templates.resolve("template.yaml"),
        """
        shell: exec python3 -m http.server --bind 127.0.0.1 "$PORT"
        ports: [8000]
        probe: {http: /, port: 8000, startTimeout: 30s}
        pool: {size: 1}
        """);
    assertThat(berth("templates", "reload").code()).isZero();
    org.awaitility.Awaitility.await("the pool fills")
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> berth("pools", "ls").out().matches("(?s).*\\nweb +local +1 +1 +0 +0 +0\\s.*"));
    Run ls = berth("pools", "ls");
    assertThat(ls.out()).startsWith("TEMPLATE").contains("READY").contains("MISSES");

    Run create = berth("session", "create", "--id", "quick", "--template", "web");
    assertThat(create.code()).as(create.err()).isZero();
    assertThat(create.out())
        .contains("RUNNING")
        .containsPattern(
            "taken from the warm pool of template 'web' \\(resources named after member p-[a-z0-9]{10}\\)");
    assertThat(berth("pools", "ls", "--json").out()).contains("\"hits\" : 1");

    Run cold = berth("session", "create", "--id", "plain");
    assertThat(cold.out()).doesNotContain("warm pool");
  }

  @Test
  void stopAndStartKeepTheWorkspace() {
    berth("session", "create", "--id", "pause");
    berth("session", "exec", "pause", "echo kept > file.txt");
    assertThat(berth("session", "stop", "pause").out()).contains("STOPPED");
    Run refused = berth("session", "exec", "pause", "true");
    assertThat(refused.err()).contains("STOPPED");
    assertThat(berth("session", "start", "pause").out()).contains("RUNNING");
    assertThat(berth("session", "exec", "pause", "cat file.txt").out()).isEqualTo("kept\n");
    assertThat(berth("session", "show", "pause").out())
        .contains("definition")
        .contains("runs template 'default' as it is now");
    Run migrate = berth("session", "migrate", "pause", "--to", "elsewhere");
    assertThat(migrate.code()).isEqualTo(1);
    assertThat(migrate.err()).contains("unknown backend 'elsewhere'").contains("[local]");
    assertThat(berth("session", "migrate", "pause").err()).contains("--to");
    Run events = berth("session", "events", "pause");
    assertThat(events.out()).as(events.err()).contains("stopped").contains("running");
  }

  @Test
  void gcRemovesOnlyOrphans() throws Exception {
    berth("session", "create", "--id", "keeper");
    // A workspace whose registry entry never was: what a manager killed mid-create leaves.
    String instance = Files.readString(home.resolve("instance.id")).strip();
    Path ghost = Files.createDirectories(home.resolve("sessions/ghost/workspace"));
    Files.writeString(
        home.resolve("sessions/ghost/owner.properties"),
        "berth.session=ghost\nberth.template=default\nberth.instance="
            + instance
            + "\ncreated=2020-01-01T00:00:00Z\n");

    Run dry = berth("gc", "--dry-run");
    assertThat(dry.out()).contains("ghost").contains("would remove").doesNotContain("keeper");
    assertThat(ghost).exists();

    Run gc = berth("gc");
    assertThat(gc.code()).as(gc.err()).isZero();
    assertThat(gc.out()).contains("ghost").contains("removed");
    assertThat(ghost).doesNotExist();
    assertThat(berth("session", "exec", "keeper", "true").code()).isZero();
    assertThat(berth("gc").out()).startsWith("no orphans");
  }
}
