package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.ErrorCode;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.FileEntry;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on workspace confinement. The archive API follows links in the container's filesystem, so
 * each of these would reach the container's own files (here its {@code /etc}) if the runtime handed
 * the path through unchecked.
 */
class DockerConfinementTest extends DockerTestBase {
  private RuntimeSession s;

  @BeforeEach
  void session() {
    s = started(Templates.plain("plain"));
    var r =
        sh(
            s,
            "mkdir real && echo inside > real/file.txt"
                + " && ln -s /etc etc-link"
                + " && ln -s /etc/passwd passwd-link"
                + " && ln -s /etc/berth-created dangling-out"
                + " && ln -s real/new.txt dangling-in"
                + " && ln -s etc-link chain"
                + " && ln -s .. up"
                + " && ln -s real alias");
    assertThat(r.exitCode()).as(new String(r.stderr(), UTF_8)).isZero();
  }

  private boolean existsInContainer(String absPath) {
    return sh(s, "test -e " + absPath).exitCode() == 0;
  }

  @Test
  void lexicalEscapesAreRefusedBeforeAnyEngineCall() {
    for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a\\b")) {
      assertCode(() -> WorkspacePath.parse(bad), ErrorCode.BAD_REQUEST);
    }
  }

  @Test
  void aLinkToEtcCannotBeReadWrittenListedOrArchived() {
    assertCode(() -> read(s, "etc-link/passwd"), ErrorCode.BAD_REQUEST);
    assertCode(() -> read(s, "passwd-link"), ErrorCode.BAD_REQUEST);
    assertCode(() -> read(s, "chain/passwd"), ErrorCode.BAD_REQUEST);
    assertCode(() -> read(s, "up/etc/passwd"), ErrorCode.BAD_REQUEST);
    assertCode(() -> write(s, "etc-link/berth-was-here", "x"), ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime.workspace(s).list(WorkspacePath.parse("etc-link")), ErrorCode.BAD_REQUEST);
    assertCode(() -> runtime.workspace(s).list(WorkspacePath.parse("up")), ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime.workspace(s).makeDirectory(WorkspacePath.parse("etc-link/newdir")),
        ErrorCode.BAD_REQUEST);
    assertCode(
        () ->
            runtime
                .workspace(s)
                .getArchive(WorkspacePath.parse("etc-link"), new ByteArrayOutputStream()),
        ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime.workspace(s).stat(WorkspacePath.parse("etc-link/passwd")),
        ErrorCode.BAD_REQUEST);
    assertCode(
        () -> runtime.workspace(s).delete(WorkspacePath.parse("etc-link/passwd"), false),
        ErrorCode.BAD_REQUEST);
    assertCode(
        () ->
            runtime
                .workspace(s)
                .move(WorkspacePath.parse("real/file.txt"), WorkspacePath.parse("etc-link/stolen")),
        ErrorCode.BAD_REQUEST);
    assertCode(
        () ->
            runtime
                .workspace(s)
                .move(WorkspacePath.parse("etc-link/passwd"), WorkspacePath.parse("mine")),
        ErrorCode.BAD_REQUEST);
    assertThat(existsInContainer("/etc/berth-was-here")).isFalse();
    assertThat(existsInContainer("/etc/newdir")).isFalse();
    assertThat(existsInContainer("/etc/passwd")).as("the target was not touched").isTrue();
  }

  @Test
  void execCannotStartOutside() {
    for (String cwd : List.of("etc-link", "up", "chain")) {
      assertCode(
          () ->
              runtime
                  .workspace(s)
                  .exec(
                      new ExecRequest(
                          List.of("pwd"),
                          WorkspacePath.parse(cwd),
                          Map.of(),
                          new byte[0],
                          Duration.ofSeconds(5),
                          1024)),
          ErrorCode.BAD_REQUEST);
    }
  }

  @Test
  void danglingLinksAreFollowedWhereAWriteWouldLand() {
    assertCode(() -> write(s, "dangling-out", "escaped"), ErrorCode.BAD_REQUEST);
    assertThat(existsInContainer("/etc/berth-created")).isFalse();

    write(s, "dangling-in", "through an inside link");
    assertThat(read(s, "real/new.txt")).isEqualTo("through an inside link");
  }

  @Test
  void linksThemselvesCanBeSeenAndRemovedWithoutTouchingTheirTargets() {
    assertThat(runtime.workspace(s).stat(WorkspacePath.parse("etc-link")))
        .get()
        .extracting(FileEntry::type)
        .isEqualTo(FileEntry.Type.SYMLINK);
    assertThat(runtime.workspace(s).list(WorkspacePath.ROOT))
        .filteredOn(e -> e.path().equals("etc-link"))
        .singleElement()
        .extracting(FileEntry::type)
        .isEqualTo(FileEntry.Type.SYMLINK);
    runtime.workspace(s).delete(WorkspacePath.parse("etc-link"), true);
    assertThat(runtime.workspace(s).stat(WorkspacePath.parse("etc-link"))).isEmpty();
    assertThat(existsInContainer("/etc/passwd")).isTrue();
  }

  @Test
  void linksInsideTheWorkspaceWork() {
    assertThat(read(s, "alias/file.txt")).isEqualTo("inside\n");
    assertThat(runtime.workspace(s).list(WorkspacePath.parse("alias")))
        .extracting(FileEntry::path)
        .containsExactly("real/file.txt");
  }

  private static byte[] tar(Consumer<TarArchiveOutputStream> entries) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new TarArchiveOutputStream(bytes)) {
      entries.accept(out);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream out, String name, String content) {
    try {
      byte[] b = content.getBytes(UTF_8);
      var e = new TarArchiveEntry(name);
      e.setSize(b.length);
      out.putArchiveEntry(e);
      out.write(b);
      out.closeArchiveEntry();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static void link(TarArchiveOutputStream out, String name, String target) {
    try {
      var e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(target);
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private void put(String dir, byte[] tar) {
    runtime.workspace(s).putArchive(WorkspacePath.parse(dir), new ByteArrayInputStream(tar));
  }

  @Test
  void archiveEntriesCannotEscape() {
    // a good entry first: a refused archive must write nothing at all
    assertCode(
        () ->
            put(
                "",
                tar(
                    o -> {
                      file(o, "good.txt", "fine");
                      file(o, "../../evil.txt", "nope");
                    })),
        ErrorCode.BAD_REQUEST);
    assertThat(runtime.workspace(s).stat(WorkspacePath.parse("good.txt"))).isEmpty();

    assertCode(() -> put("etc-link", tar(o -> file(o, "x", "nope"))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("", tar(o -> file(o, "etc-link/x", "nope"))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("", tar(o -> file(o, "dangling-out", "nope"))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("", tar(o -> link(o, "abs", "/etc"))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("", tar(o -> link(o, "rel", "../../etc"))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("real", tar(o -> link(o, "rel", "../.."))), ErrorCode.BAD_REQUEST);
    assertCode(() -> put("", tar(o -> link(o, "via", "etc-link/.."))), ErrorCode.BAD_REQUEST);
    // 'b' does not exist yet; a later link could make b/.. lead anywhere
    assertCode(() -> put("", tar(o -> link(o, "trick", "b/.."))), ErrorCode.BAD_REQUEST);
    assertCode(
        () ->
            put(
                "",
                tar(
                    o -> {
                      try {
                        var e = new TarArchiveEntry("hard", TarArchiveEntry.LF_LINK);
                        e.setLinkName("/etc/passwd");
                        o.putArchiveEntry(e);
                        o.closeArchiveEntry();
                      } catch (IOException ex) {
                        throw new RuntimeException(ex);
                      }
                    })),
        ErrorCode.BAD_REQUEST);
    assertThat(existsInContainer("/etc/x")).isFalse();

    // what is allowed: files, directories, relative links that stay inside
    put(
        "up-load",
        tar(
            o -> {
              file(o, "proj/a.txt", "A");
              link(o, "proj/to-real", "../../real");
            }));
    assertThat(read(s, "up-load/proj/a.txt")).isEqualTo("A");
    assertThat(read(s, "up-load/proj/to-real/file.txt")).isEqualTo("inside\n");
  }

  @Test
  void filesBelongToTheSessionUserAndParentsAreCreated() {
    write(s, "deep/er/file.txt", "x");
    assertThat(out(sh(s, "stat -c '%U %a' deep deep/er deep/er/file.txt")))
        .isEqualTo("root 755\nroot 755\nroot 644\n");
  }

  @Test
  void aReplacedFileKeepsItsMode() {
    write(s, "run.sh", "echo 1");
    assertThat(sh(s, "chmod 750 run.sh").exitCode()).isZero();
    write(s, "run.sh", "echo 2");
    assertThat(out(sh(s, "stat -c '%a' run.sh; cat run.sh"))).isEqualTo("750\necho 2");
  }

  @Test
  void removingAndRenamingWorkOnAStoppedSessionThroughAHelper() {
    write(s, "old.txt", "moved while stopped");
    write(s, "trash/x.txt", "x");
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(5)));
    runtime
        .workspace(stopped)
        .move(WorkspacePath.parse("old.txt"), WorkspacePath.parse("new/place.txt"));
    runtime.workspace(stopped).delete(WorkspacePath.parse("trash"), true);
    assertCode(
        () -> runtime.workspace(stopped).delete(WorkspacePath.parse("etc-link/passwd"), false),
        ErrorCode.BAD_REQUEST);
    assertThat(read(stopped, "new/place.txt")).isEqualTo("moved while stopped");
    assertThat(runtime.workspace(stopped).stat(WorkspacePath.parse("trash"))).isEmpty();
    assertThat(
            engine
                .client
                .listContainersCmd()
                .withShowAll(true)
                .withNameFilter(List.of(FileCommands.helperName(prefix, s)))
                .exec())
        .as("the helper container is gone")
        .isEmpty();
  }
}
