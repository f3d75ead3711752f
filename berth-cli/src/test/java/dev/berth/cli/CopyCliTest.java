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

/** {@code berth session cp} follows cp, in both directions, against a real server. */
class CopyCliTest {
  @TempDir Path home;
  @TempDir Path work;
  private TestServer berth;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    berth = new TestServer(home);
    env = new HashMap<>(Map.of("BERTH_URL", berth.url(), "BERTH_HOME", home.toString()));
    assertThat(berth("session", "create", "--id", "demo").code()).isZero();
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

  private String inSession(String path) {
    Run cat = berth("session", "exec", "demo", "--", "cat", path);
    assertThat(cat.code()).as(cat.err()).isZero();
    return cat.out();
  }

  private boolean existsInSession(String path) {
    return berth("session", "exec", "demo", "--", "test", "-e", path).code() == 0;
  }

  /** A failure: exit code 1, one line in the user's terms (no Java names, no container ids). */
  private void plain(Run r) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("berth: ").doesNotContain("\n");
    String withoutOurPaths = r.err().replace(work.toString(), "W").replace(home.toString(), "H");
    assertThat(withoutOurPaths).doesNotContainPattern("Exception|[0-9a-f]{12}");
  }

  @Test
  void aTrailingSlashOrAnExistingDirectoryMeansIntoIt() throws Exception {
    Path hello = Files.writeString(work.resolve("hello.txt"), "hello\n");

    Run missing = berth("session", "cp", hello.toString(), "demo:docs/");
    plain(missing);
    assertThat(missing.err()).contains("no directory demo:docs/").contains("-p");
    assertThat(existsInSession("docs")).as("no file named docs").isFalse();

    Run parents = berth("session", "cp", "-p", hello.toString(), "demo:docs/");
    assertThat(parents.code()).as(parents.err()).isZero();
    assertThat(inSession("docs/hello.txt")).isEqualTo("hello\n");

    Path other = Files.writeString(work.resolve("other.txt"), "other\n");
    Run into = berth("session", "cp", other.toString(), "demo:docs");
    assertThat(into.code()).as(into.err()).isZero();
    assertThat(into.out()).contains("to demo:docs/other.txt");
    assertThat(inSession("docs/other.txt")).isEqualTo("other\n");

    Run renamed = berth("session", "cp", other.toString(), "demo:docs/renamed.txt");
    assertThat(renamed.code()).as(renamed.err()).isZero();
    assertThat(inSession("docs/renamed.txt")).isEqualTo("other\n");

    Run deep = berth("session", "cp", hello.toString(), "demo:a/b/c.txt");
    plain(deep);
    assertThat(deep.err()).contains("no directory demo:a/b").contains("-p");
    assertThat(berth("session", "cp", "--parents", hello.toString(), "demo:a/b/c.txt").code())
        .isZero();
    assertThat(inSession("a/b/c.txt")).isEqualTo("hello\n");

    Run beneathAFile = berth("session", "cp", hello.toString(), "demo:docs/hello.txt/x.txt");
    plain(beneathAFile);
    assertThat(beneathAFile.err()).contains("demo:docs/hello.txt is a file, not a directory");

    // Out of the session: into an existing directory, to a new name, into a missing one.
    Path back = Files.createDirectories(work.resolve("back"));
    assertThat(berth("session", "cp", "demo:docs/hello.txt", back.toString()).code()).isZero();
    assertThat(back.resolve("hello.txt")).hasContent("hello");
    Run gone = berth("session", "cp", "demo:docs/hello.txt", work + "/x/y.txt");
    plain(gone);
    assertThat(gone.err()).contains("no directory " + work.resolve("x")).contains("-p");
    assertThat(berth("session", "cp", "-p", "demo:docs/hello.txt", work + "/x/y.txt").code())
        .isZero();
    assertThat(work.resolve("x/y.txt")).hasContent("hello");
    Run intoMissing = berth("session", "cp", "demo:docs/hello.txt", work + "/new/");
    plain(intoMissing);
    assertThat(berth("session", "cp", "-p", "demo:docs/hello.txt", work + "/new/").code()).isZero();
    assertThat(work.resolve("new/hello.txt")).hasContent("hello");

    Run nothing = berth("session", "cp", "demo:docs/nope.txt", back.toString());
    plain(nothing);
    assertThat(nothing.err()).contains("no file or directory docs/nope.txt in session demo");
  }

  @Test
  void directoriesCopyWithDashRBothWays() throws Exception {
    Path tree = Files.createDirectories(work.resolve("project/src/deep"));
    Files.writeString(work.resolve("project/README"), "readme\n");
    Files.writeString(tree.resolve("main.txt"), "main\n");

    Run noR = berth("session", "cp", work.resolve("project").toString(), "demo:");
    plain(noR);
    assertThat(noR.err()).contains("is a directory").contains("-r");

    Run up = berth("session", "cp", "-r", work.resolve("project").toString(), "demo:.");
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(inSession("project/src/deep/main.txt")).isEqualTo("main\n");
    assertThat(inSession("project/README")).isEqualTo("readme\n");

    // To a name that does not exist: the directory gets that name, as with cp -r.
    Run renamed = berth("session", "cp", "-r", work.resolve("project").toString(), "demo:copy");
    assertThat(renamed.code()).as(renamed.err()).isZero();
    assertThat(inSession("copy/src/deep/main.txt")).isEqualTo("main\n");

    Run downNoR = berth("session", "cp", "demo:project", work.resolve("out").toString());
    plain(downNoR);
    assertThat(downNoR.err()).contains("demo:project is a directory").contains("-r");

    Run down = berth("session", "cp", "-r", "demo:project", work.resolve("out").toString());
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(work.resolve("out/src/deep/main.txt")).hasContent("main");
    assertThat(work.resolve("out/README")).hasContent("readme");

    // Into an existing local directory: under its own name there.
    Path existing = Files.createDirectories(work.resolve("existing"));
    Run into = berth("session", "cp", "-r", "demo:project/src", existing.toString());
    assertThat(into.code()).as(into.err()).isZero();
    assertThat(existing.resolve("src/deep/main.txt")).hasContent("main");
  }

  @Test
  void absolutePathsAreTakenUnderTheWorkspaceMountOnly() throws Exception {
    Path w = Files.writeString(work.resolve("w.txt"), "w\n");
    String mount = berth("session", "exec", "demo", "printf %s \"$BERTH_WORKSPACE\"").out();
    assertThat(mount).startsWith("/");

    Run under = berth("session", "cp", "-p", w.toString(), "demo:" + mount + "/docs/w.txt");
    assertThat(under.code()).as(under.err()).isZero();
    assertThat(inSession("docs/w.txt")).isEqualTo("w\n");
    assertThat(existsInSession(mount.substring(1) + "/docs/w.txt")).isFalse();

    Run outside = berth("session", "cp", w.toString(), "demo:/etc/passwd");
    plain(outside);
    assertThat(outside.err())
        .contains("'/etc/passwd' is outside session demo's workspace")
        .contains("relative to the workspace")
        .contains(mount);
    assertThat(existsInSession("etc/passwd")).isFalse();

    Run down =
        berth("session", "cp", "demo:" + mount + "/docs/w.txt", work.resolve("b").toString());
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(work.resolve("b")).hasContent("w");
  }
}
