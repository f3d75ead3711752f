package dev.berth.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link SessionRuntime} must show, run against each backend by a subclass.
 * Commands used here exist in busybox and on any Linux host: sh, echo, cat, ln, sleep, pwd.
 */
public abstract class RuntimeContract {
  @TempDir protected Path tmp;
  private final List<RuntimeSession> made = new ArrayList<>();

  /** The runtime under test; the same instance across one test. */
  protected abstract SessionRuntime runtime();

  /** A second instance on the same backend, as after a manager restart. */
  protected abstract SessionRuntime freshRuntime();

  /** A template for this backend; subclasses override to add an image. */
  protected Template template(String name, List<String> command, Optional<Path> skeleton) {
    return TestTemplates.with(
        name, Optional.empty(), command, List.of(), Optional.empty(), skeleton);
  }

  protected SessionId newId() {
    return SessionId.generate();
  }

  protected RuntimeSession prepared(Template template) {
    RuntimeSession s = RuntimeSession.fresh(newId(), template, Map.of("suite", "contract"));
    made.add(s);
    RuntimeSession p = s.withState(runtime().prepare(s));
    made.add(p);
    return p;
  }

  protected RuntimeSession started(Template template) {
    RuntimeSession p = prepared(template);
    RuntimeSession s = p.withState(runtime().start(p).state());
    made.add(s);
    return s;
  }

  protected RuntimeSession running() {
    return started(template("plain", List.of(), Optional.empty()));
  }

  @AfterEach
  void destroyEverything() {
    for (RuntimeSession s : made.reversed()) {
      try {
        runtime().destroy(s);
      } catch (RuntimeException ignored) {
        // best effort: the test's own assertions already ran
      }
    }
  }

  protected ExecResult sh(RuntimeSession s, String line) {
    return sh(s, line, Duration.ofSeconds(30));
  }

  private ExecResult sh(RuntimeSession s, String line, Duration timeout) {
    return runtime()
        .workspace(s)
        .exec(
            new ExecRequest(
                ExecRequest.shell(line),
                WorkspacePath.ROOT,
                Map.of(),
                new byte[0],
                timeout,
                1 << 20));
  }

  /** The content of {@code file} now, after checking that it stays the same for a second. */
  private String assertStaysTheSame(RuntimeSession s, String file, String why) throws Exception {
    String first = out(sh(s, "cat " + file + " 2>/dev/null")).strip();
    Thread.sleep(1_000); // a live writer (every 0.1 s) changes it in this time
    assertThat(out(sh(s, "cat " + file + " 2>/dev/null")).strip()).as(why).isEqualTo(first);
    return first;
  }

  protected static String out(ExecResult r) {
    return new String(r.stdout(), UTF_8);
  }

  private void write(RuntimeSession s, String path, String content) {
    runtime()
        .workspace(s)
        .writeFile(
            WorkspacePath.parse(path), new ByteArrayInputStream(content.getBytes(UTF_8)), 1 << 20);
  }

  private String read(RuntimeSession s, String path) {
    return new String(runtime().workspace(s).readFile(WorkspacePath.parse(path), 1 << 20), UTF_8);
  }

  private static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(code));
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Test
  void preparedSessionHasAWorkspaceButRunsNothing() {
    RuntimeSession s = prepared(template("plain", List.of(), Optional.empty()));
    assertThat(runtime().inspect(s)).isInstanceOf(ObservedState.Prepared.class);
    assertThat(runtime().listOwned())
        .anySatisfy(r -> assertThat(r.handle()).isEqualTo(s.id().value()));
  }

  @Test
  void prepareSeedsTheSkeletonAndNeverOverwrites() throws IOException {
    Path skeleton = Files.createDirectories(tmp.resolve("skeleton"));
    Files.writeString(skeleton.resolve("README.md"), "from skeleton");
    Files.createDirectories(skeleton.resolve("src"));
    Files.writeString(skeleton.resolve("src/main.py"), "print('hi')");
    RuntimeSession s = prepared(template("seeded", List.of(), Optional.of(skeleton)));
    RuntimeSession st = s.withState(runtime().start(s).state());
    assertThat(read(st, "README.md")).isEqualTo("from skeleton");
    assertThat(read(st, "src/main.py")).isEqualTo("print('hi')");

    write(st, "README.md", "edited by user");
    runtime().stop(st, Duration.ofSeconds(5));
    RuntimeState again = runtime().prepare(st);
    RuntimeSession restarted = st.withState(runtime().start(st.withState(again)).state());
    assertThat(read(restarted, "README.md")).isEqualTo("edited by user");
  }

  @Test
  void startStopStartKeepsTheWorkspace() {
    RuntimeSession s = started(template("app", List.of("sleep", "600"), Optional.empty()));
    assertThat(runtime().inspect(s)).isInstanceOf(ObservedState.Running.class);
    write(s, "data/kept.txt", "still here");

    RuntimeSession stopped = s.withState(runtime().stop(s, Duration.ofSeconds(5)));
    assertThat(runtime().inspect(stopped))
        .isInstanceOfAny(ObservedState.Prepared.class, ObservedState.Exited.class);
    RuntimeSession again = stopped.withState(runtime().start(stopped).state());
    assertThat(runtime().inspect(again)).isInstanceOf(ObservedState.Running.class);
    assertThat(read(again, "data/kept.txt")).isEqualTo("still here");
    // starting a running session changes nothing
    assertThat(runtime().start(again).state()).isEqualTo(again.state());
  }

  @Test
  void anAppThatDiesIsSeenAsExited() {
    RuntimeSession s = started(template("dies", List.of("sh", "-c", "exit 3"), Optional.empty()));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> runtime().inspect(s) instanceof ObservedState.Exited);
  }

  @Test
  void aFreshRuntimeInstanceSeesAndStopsSessionsStartedBefore() {
    RuntimeSession s = started(template("app", List.of("sleep", "600"), Optional.empty()));
    SessionRuntime after = freshRuntime();
    assertThat(after.inspect(s)).isInstanceOf(ObservedState.Running.class);
    RuntimeSession stopped = s.withState(after.stop(s, Duration.ofSeconds(5)));
    assertThat(after.inspect(stopped)).isNotInstanceOf(ObservedState.Running.class);
  }

  /** What a followed log delivered: its output as text, and its end. */
  private static final class FollowedLog implements LogSink {
    final StringBuffer text = new StringBuffer();
    final java.util.concurrent.CompletableFuture<String> ended =
        new java.util.concurrent.CompletableFuture<>();

    @Override
    public void output(byte[] data, int offset, int length) {
      text.append(new String(data, offset, length, UTF_8));
    }

    @Override
    public void end(String why) {
      ended.complete(why);
    }
  }

  @Test
  void aFollowedLogGivesItsLastLinesThenWhatIsWrittenThenItsEnd() throws Exception {
    RuntimeSession s =
        started(
            template(
                "chatty",
                List.of(
                    "sh",
                    "-c",
                    "echo one; echo two; echo three; while :; do if [ -f poke ]; then rm -f poke;"
                        + " echo poked; fi; sleep 0.1; done"),
                Optional.empty()));
    var log = new FollowedLog();
    if (!runtime().abilities().contains(Ability.LOG_FOLLOW)) {
      assertCode(() -> runtime().followLog(s, "session", 2, log), ErrorCode.UNSUPPORTED);
      return;
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> runtime().logTail(s, 10).contains("three"));
    try (AutoCloseable follow = runtime().followLog(s, "session", 2, log)) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(log.text.toString()).isEqualTo("two\nthree\n"));
      // A line written after the follow began comes through as it is written.
      sh(s, "touch poke");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(log.text.toString()).isEqualTo("two\nthree\npoked\n"));
      assertThat(log.ended).isNotDone();
      // The app stops: the log ends, saying why.
      runtime().stop(s, Duration.ofSeconds(5));
      assertThat(log.ended.get(20, java.util.concurrent.TimeUnit.SECONDS)).isNotBlank();
    }
  }

  @Test
  void destroyRemovesEverythingAndIsIdempotent() {
    RuntimeSession s = started(template("app", List.of("sleep", "600"), Optional.empty()));
    CleanupReport first = runtime().destroy(s);
    assertThat(first.complete()).as("failures: %s", first.failed()).isTrue();
    assertThat(first.removed()).isNotEmpty();
    assertThat(runtime().inspect(s)).isInstanceOf(ObservedState.Missing.class);
    assertThat(runtime().listOwned()).noneMatch(r -> r.handle().equals(s.id().value()));
    CleanupReport second = runtime().destroy(s);
    assertThat(second.removed()).isEmpty();
    assertThat(second.failed()).isEmpty();
  }

  @Test
  void destroyLeavesOtherSessionsAlone() {
    RuntimeSession a = running();
    RuntimeSession b = running();
    write(b, "mine.txt", "b's data");
    runtime().destroy(a);
    assertThat(runtime().inspect(b)).isInstanceOf(ObservedState.Running.class);
    assertThat(read(b, "mine.txt")).isEqualTo("b's data");
  }

  @Test
  void startAnswersTheEndpointsThatInspectReports() {
    RuntimeSession p = prepared(template("app", List.of("sleep", "600"), Optional.empty()));
    StartResult result = runtime().start(p);
    RuntimeSession s = p.withState(result.state());
    made.add(s);
    assertThat(runtime().inspect(s))
        .isInstanceOfSatisfying(
            ObservedState.Running.class,
            r -> assertThat(result.endpoints()).isEqualTo(r.endpoints()));
    assertThat(runtime().start(s).endpoints()).isEqualTo(result.endpoints());
  }

  @Test
  void resourcesAreNamedAndLabelledFromTheHandleNotTheId() {
    SessionId id = newId();
    String handle = "h" + newId().value().substring(1);
    RuntimeSession fresh =
        RuntimeSession.fresh(id, handle, template("plain", List.of(), Optional.empty()), Map.of());
    made.add(fresh);
    RuntimeSession s = fresh.withState(runtime().prepare(fresh));
    made.add(s);
    assertThat(runtime().listOwned(handle)).isNotEmpty().allMatch(r -> r.handle().equals(handle));
    assertThat(runtime().listOwned(id.value())).isEmpty();
    assertThat(runtime().listOwned())
        .filteredOn(r -> r.handle().equals(handle))
        .allMatch(r -> !r.name().contains(id.value()));
    RuntimeSession started = s.withState(runtime().start(s).state());
    made.add(started);
    write(started, "bound.txt", "kept under the handle");
    assertThat(read(started, "bound.txt")).isEqualTo("kept under the handle");
    assertThat(runtime().destroy(started).complete()).isTrue();
    assertThat(runtime().listOwned(handle)).isEmpty();
  }

  @Test
  void listingOneHandleGivesExactlyItsShareOfTheWholeList() {
    RuntimeSession a = running();
    RuntimeSession b = running();
    List<String> all =
        runtime().listOwned().stream()
            .filter(r -> r.handle().equals(a.handle()))
            .map(r -> r.kind() + "/" + r.name())
            .toList();
    assertThat(runtime().listOwned(a.handle()))
        .isNotEmpty()
        .allMatch(r -> r.handle().equals(a.handle()))
        .extracting(r -> r.kind() + "/" + r.name())
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(runtime().listOwned(b.handle())).noneMatch(r -> r.handle().equals(a.handle()));
  }

  @Test
  void aStateNewerThanTheRuntimeUnderstandsIsRefusedNotGuessedAt() {
    RuntimeSession s = prepared(template("plain", List.of(), Optional.empty()));
    RuntimeSession newer = s.withState(s.state().withVersion(s.state().version() + 100));
    assertCode(() -> runtime().start(newer), ErrorCode.RUNTIME_FAILURE);
    assertThat(runtime().inspect(newer)).isInstanceOf(ObservedState.Unknown.class);
    assertThat(runtime().inspect(s)).isInstanceOf(ObservedState.Prepared.class);
  }

  @Test
  void anAbilityTheRuntimeLacksIsRefusedNamingTheBackend() {
    assertThat(runtime().abilities()).isNotNull();
    if (!runtime().abilities().contains(Ability.IMAGE_BUILDS)) {
      assertThatThrownBy(() -> runtime().images())
          .isInstanceOf(BerthException.class)
          .hasMessageContaining("the " + runtime().kind() + " backend cannot")
          .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED));
    } else {
      assertThat(runtime().images().engine()).isNotNull();
    }
  }

  // ---- files --------------------------------------------------------------------------------

  @Test
  void writeCreatesParentsAndReadReturnsTheBytes() {
    RuntimeSession s = running();
    write(s, "a/b/c.txt", "hello");
    assertThat(read(s, "a/b/c.txt")).isEqualTo("hello");
    write(s, "a/b/c.txt", "replaced");
    assertThat(read(s, "a/b/c.txt")).isEqualTo("replaced");
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("a/b/c.txt")))
        .hasValueSatisfying(
            e -> {
              assertThat(e.type()).isEqualTo(FileEntry.Type.FILE);
              assertThat(e.size()).isEqualTo(8);
            });
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("a/b")))
        .get()
        .extracting(FileEntry::type)
        .isEqualTo(FileEntry.Type.DIRECTORY);
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("nope"))).isEmpty();
  }

  @Test
  void missingFilesAndOversizedOnesAreRefusedClearly() {
    RuntimeSession s = running();
    assertCode(() -> read(s, "missing.txt"), ErrorCode.NOT_FOUND);
    write(s, "big.bin", "x".repeat(2000));
    assertCode(
        () -> runtime().workspace(s).readFile(WorkspacePath.parse("big.bin"), 100),
        ErrorCode.TOO_LARGE);
    assertCode(
        () ->
            runtime()
                .workspace(s)
                .writeFile(
                    WorkspacePath.parse("too-big.bin"),
                    new ByteArrayInputStream(new byte[5000]),
                    1000),
        ErrorCode.TOO_LARGE);
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("too-big.bin"))).isEmpty();
  }

  @Test
  void listStatDeleteMoveAndMakeDirectory() {
    RuntimeSession s = running();
    runtime().workspace(s).makeDirectory(WorkspacePath.parse("dir/sub"));
    write(s, "dir/one.txt", "1");
    write(s, "dir/two.txt", "22");
    assertThat(runtime().workspace(s).list(WorkspacePath.parse("dir")))
        .extracting(FileEntry::path)
        .containsExactly("dir/one.txt", "dir/sub", "dir/two.txt");

    runtime()
        .workspace(s)
        .move(WorkspacePath.parse("dir/one.txt"), WorkspacePath.parse("moved/one.txt"));
    assertThat(read(s, "moved/one.txt")).isEqualTo("1");
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("dir/one.txt"))).isEmpty();
    assertCode(
        () ->
            runtime()
                .workspace(s)
                .move(WorkspacePath.parse("dir/two.txt"), WorkspacePath.parse("moved/one.txt")),
        ErrorCode.CONFLICT);

    assertCode(
        () -> runtime().workspace(s).delete(WorkspacePath.parse("dir"), false), ErrorCode.CONFLICT);
    runtime().workspace(s).delete(WorkspacePath.parse("dir"), true);
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("dir"))).isEmpty();
    assertCode(
        () -> runtime().workspace(s).delete(WorkspacePath.parse("dir"), true), ErrorCode.NOT_FOUND);
  }

  // ---- confinement ----------------------------------------------------------------------------

  @Test
  void aSymlinkToOutsideCannotBeReadWrittenOrListed() {
    RuntimeSession s = running();
    assertThat(sh(s, "ln -s /etc escape && ln -s /etc/hostname host-file").exitCode()).isZero();
    assertCode(() -> read(s, "escape/hostname"), ErrorCode.BAD_REQUEST);
    assertCode(() -> read(s, "host-file"), ErrorCode.BAD_REQUEST);
    assertCode(() -> write(s, "escape/berth-was-here", "x"), ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime().workspace(s).list(WorkspacePath.parse("escape")), ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime().workspace(s).makeDirectory(WorkspacePath.parse("escape/newdir")),
        ErrorCode.BAD_REQUEST);
    // the link itself may be seen and removed
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("escape")))
        .get()
        .extracting(FileEntry::type)
        .isEqualTo(FileEntry.Type.SYMLINK);
    runtime().workspace(s).delete(WorkspacePath.parse("escape"), false);
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("escape"))).isEmpty();
  }

  @Test
  void aDanglingSymlinkToOutsideCannotBeWrittenThrough() {
    RuntimeSession s = running();
    String outside = "/tmp/berth-contract-" + s.id().value();
    assertThat(sh(s, "ln -s " + outside + " dangling").exitCode()).isZero();
    assertCode(() -> write(s, "dangling", "escaped"), ErrorCode.BAD_REQUEST);
    assertThat(sh(s, "test -e " + outside + " && echo present || echo absent").stdout())
        .asString(UTF_8)
        .contains("absent");
  }

  @Test
  void symlinksInsideTheWorkspaceWork() {
    RuntimeSession s = running();
    write(s, "real/file.txt", "inside");
    assertThat(sh(s, "ln -s real alias").exitCode()).isZero();
    assertThat(read(s, "alias/file.txt")).isEqualTo("inside");
  }

  /**
   * Protected: a gVisor session keeps a FIFO in gVisor's own kernel, where the files API (which
   * reads the workspace from the host) never sees it; its subclass says what holds there.
   */
  @Test
  protected void aFifoIsRefusedBeforeItIsOpened() {
    RuntimeSession s = running();
    assertThat(sh(s, "mkfifo pipe && ln -s pipe to-pipe").exitCode()).isZero();
    // Bounded: opening a fifo blocks until a writer comes, which is the bug this guards against.
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (String path : List.of("pipe", "to-pipe")) {
            assertThatThrownBy(() -> read(s, path))
                .as("read " + path)
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("'" + path + "' is not a regular file")
                .satisfies(
                    e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
            assertThatThrownBy(() -> write(s, path, "x"))
                .as("write " + path)
                .isInstanceOf(BerthException.class)
                .hasMessageContaining("is not a regular file")
                .satisfies(
                    e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
          }
        });
    // nothing changed: the fifo is still a fifo, and the session still answers
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("pipe")))
        .get()
        .extracting(FileEntry::type)
        .isEqualTo(FileEntry.Type.OTHER);
    assertThat(out(sh(s, "echo alive"))).isEqualTo("alive\n");
  }

  @Test
  void archivesRoundTripAndCannotEscape() throws IOException {
    RuntimeSession s = running();
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      addFile(out, "proj/a.txt", "A");
      addFile(out, "proj/deep/b.txt", "BB");
    }
    runtime()
        .workspace(s)
        .putArchive(WorkspacePath.parse("up"), new ByteArrayInputStream(tar.toByteArray()));
    assertThat(read(s, "up/proj/deep/b.txt")).isEqualTo("BB");

    var back = new ByteArrayOutputStream();
    runtime().workspace(s).getArchive(WorkspacePath.parse("up/proj"), back);
    List<String> names = new ArrayList<>();
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(back.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName().replaceAll("/$", ""));
      }
    }
    assertThat(names).contains("proj/a.txt", "proj/deep/b.txt");

    var hardLink = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(hardLink)) {
      var entry = new TarArchiveEntry("hard", TarArchiveEntry.LF_LINK);
      entry.setLinkName("up/proj/a.txt");
      out.putArchiveEntry(entry);
      out.closeArchiveEntry();
    }
    assertCode(
        () ->
            runtime()
                .workspace(s)
                .putArchive(WorkspacePath.ROOT, new ByteArrayInputStream(hardLink.toByteArray())),
        ErrorCode.BAD_REQUEST);
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("hard"))).isEmpty();

    var evil = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(evil)) {
      addFile(out, "../../evil.txt", "nope");
    }
    assertCode(
        () ->
            runtime()
                .workspace(s)
                .putArchive(WorkspacePath.ROOT, new ByteArrayInputStream(evil.toByteArray())),
        ErrorCode.BAD_REQUEST);
  }

  @Test
  void aRefusedArchiveWritesNothing() throws IOException {
    RuntimeSession s = running();
    var badAfterGood = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(badAfterGood)) {
      addFile(out, "good.txt", "G");
      addFile(out, "../evil", "E");
    }
    assertPutRefused(s, badAfterGood.toByteArray(), "outside the workspace");
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("good.txt"))).isEmpty();

    var throughItsOwnLink = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(throughItsOwnLink)) {
      addFile(out, "dot/dot/dot/evil4", "E");
      addLink(out, "dot", ".");
    }
    assertPutRefused(
        s, throughItsOwnLink.toByteArray(), "which the same archive makes a symbolic link");
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("dot"))).isEmpty();

    var whole = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(whole)) {
      addFile(out, "first.txt", "1".repeat(3000));
      addFile(out, "second.txt", "2".repeat(3000));
    }
    // cut inside the second entry's header (3584..4096), and inside its data
    for (int cut : List.of(4000, 4196)) {
      assertPutRefused(
          s, java.util.Arrays.copyOf(whole.toByteArray(), cut), "not a valid tar archive");
      assertThat(runtime().workspace(s).stat(WorkspacePath.parse("first.txt")))
          .as("cut at " + cut)
          .isEmpty();
    }
    assertThat(out(sh(s, "ls -A"))).isEmpty();
  }

  @Test
  protected void anArchiveLinkCannotLeadOutThroughALinkAlreadyInTheWorkspace() throws IOException {
    RuntimeSession s = running();
    // d1/d2/top is the workspace root itself, so d1/d2/top/esc2 -> ../../.. would sit at the
    // root and point two levels above it, though on paper it points at the root
    assertThat(sh(s, "mkdir -p d1/d2 && ln -s ../.. d1/d2/top").exitCode()).isZero();
    var tar = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(tar)) {
      addLink(out, "d1/d2/top/esc2", "../../..");
    }
    assertPutRefused(s, tar.toByteArray(), "points outside the workspace");
    assertThat(runtime().workspace(s).stat(WorkspacePath.parse("esc2"))).isEmpty();
  }

  private void assertPutRefused(RuntimeSession s, byte[] tar, String message) {
    assertThatThrownBy(
            () ->
                runtime()
                    .workspace(s)
                    .putArchive(WorkspacePath.ROOT, new ByteArrayInputStream(tar)))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  private static void addLink(TarArchiveOutputStream out, String name, String target)
      throws IOException {
    var entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    entry.setLinkName(target);
    out.putArchiveEntry(entry);
    out.closeArchiveEntry();
  }

  private static void addFile(TarArchiveOutputStream out, String name, String content)
      throws IOException {
    byte[] bytes = content.getBytes(UTF_8);
    var entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    out.putArchiveEntry(entry);
    out.write(bytes);
    out.closeArchiveEntry();
  }

  // ---- exec ---------------------------------------------------------------------------------

  @Test
  void execReturnsExitCodeOutputAndHonoursCwdEnvAndStdin() {
    RuntimeSession s = running();
    runtime().workspace(s).makeDirectory(WorkspacePath.parse("sub"));
    ExecResult r =
        runtime()
            .workspace(s)
            .exec(
                new ExecRequest(
                    ExecRequest.shell("pwd; echo \"$GREETING\"; cat; echo oops >&2; exit 7"),
                    WorkspacePath.parse("sub"),
                    Map.of("GREETING", "hello"),
                    "from stdin".getBytes(UTF_8),
                    Duration.ofSeconds(30),
                    4096));
    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(out(r)).endsWith("/sub\nhello\nfrom stdin");
    assertThat(new String(r.stderr(), UTF_8)).isEqualTo("oops\n");
    assertThat(r.timedOut()).isFalse();
  }

  @Test
  void execIsKilledOnTimeoutAndOutputIsBounded() {
    RuntimeSession s = running();
    ExecResult slow =
        runtime()
            .workspace(s)
            .exec(
                new ExecRequest(
                    List.of("sleep", "30"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    new byte[0],
                    Duration.ofMillis(500),
                    1024));
    assertThat(slow.timedOut()).isTrue();
    assertThat(slow.elapsed()).isLessThan(Duration.ofSeconds(15));

    ExecResult loud =
        runtime()
            .workspace(s)
            .exec(
                new ExecRequest(
                    ExecRequest.shell(
                        "i=0; while [ $i -lt 200 ]; do echo 0123456789; i=$((i+1)); done"),
                    WorkspacePath.ROOT,
                    Map.of(),
                    new byte[0],
                    Duration.ofSeconds(30),
                    100));
    assertThat(loud.stdout()).hasSize(100);
    assertThat(loud.stdoutBytes()).isEqualTo(2200);
    assertThat(loud.stdoutTruncated()).isTrue();
  }

  @Test
  void aTimedOutExecEndsEverythingItStartedEvenWhatDaemonized() throws Exception {
    RuntimeSession s = running();
    // The inner loop's parent subshell exits at once: the loop is no longer a descendant of the
    // command, as with a daemon. It counts into a file while it lives.
    // The command waits for the daemon's first beat, so a slow machine cannot time it out before
    // the daemon exists.
    ExecResult r =
        sh(
            s,
            // beat is replaced whole (mv), never seen empty half-way through a write
            "( (i=0; while true; do i=$((i+1)); echo $i > beat.new; mv beat.new beat; sleep 0.1;"
                + " done) & );"
                + " while [ ! -s beat ]; do sleep 0.1; done; sleep 30",
            Duration.ofSeconds(5));
    assertThat(r.timedOut()).isTrue();
    assertThat(assertStaysTheSame(s, "beat", "nothing the command started still runs"))
        .as("the daemon ran before the timeout")
        .isNotEmpty();
  }

  @Test
  void aTimeoutThatEndsBeforeTheCommandHasStartedStillKillsIt() throws Exception {
    RuntimeSession s = running();
    // 1 ms: the wait is over before the command can even report its pid (Docker and Kubernetes
    // learn it from the command's first line), so the pid comes late; it used to be ignored then,
    // leaving the command running for good.
    ExecResult r =
        sh(
            s,
            "i=0; while true; do i=$((i+1)); echo $i > early-beat; sleep 0.1; done",
            Duration.ofMillis(1));
    assertThat(r.timedOut()).isTrue();
    assertStaysTheSame(s, "early-beat", "the command no longer runs");
  }

  @Test
  void execCwdOutsideTheWorkspaceIsRefused() {
    RuntimeSession s = running();
    assertThat(sh(s, "ln -s / rootlink").exitCode()).isZero();
    assertCode(
        () ->
            runtime()
                .workspace(s)
                .exec(
                    new ExecRequest(
                        List.of("pwd"),
                        WorkspacePath.parse("rootlink"),
                        Map.of(),
                        new byte[0],
                        Duration.ofSeconds(5),
                        1024)),
        ErrorCode.BAD_REQUEST);
  }
}
