package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.FileEntry;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** File calls that differ between a running session (exec) and a stopped one (archive API). */
class DockerFilesTest extends DockerTestBase {

  @Test
  void aListingIsTheSameRunningAndStopped() {
    RuntimeSession s = started(Templates.plain("plain"));
    write(s, "d/file one.txt", "12345");
    write(s, "d/sub/deep.txt", "x".repeat(100_000));
    assertThat(sh(s, "cd d && ln -s sub link && mkfifo pipe").exitCode()).isZero();

    List<FileEntry> running = runtime.workspace(s).list(WorkspacePath.parse("d"));
    RuntimeSession stopped = s.withState(runtime.stop(s, Duration.ofSeconds(5)));
    List<FileEntry> whenStopped = runtime.workspace(stopped).list(WorkspacePath.parse("d"));

    assertThat(running)
        .extracting(FileEntry::path, FileEntry::type, FileEntry::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("d/file one.txt", FileEntry.Type.FILE, 5L),
            org.assertj.core.groups.Tuple.tuple("d/link", FileEntry.Type.SYMLINK, 0L),
            org.assertj.core.groups.Tuple.tuple("d/pipe", FileEntry.Type.OTHER, 0L),
            org.assertj.core.groups.Tuple.tuple("d/sub", FileEntry.Type.DIRECTORY, 0L));
    assertThat(whenStopped).isEqualTo(running);
  }

  @Test
  void theRootListsWithoutItsOwnName() {
    RuntimeSession s = prepared(Templates.plain("plain"));
    write(s, "top.txt", "t");
    runtime.workspace(s).makeDirectory(WorkspacePath.parse("empty"));
    assertThat(runtime.workspace(s).list(WorkspacePath.ROOT))
        .extracting(FileEntry::path)
        .containsExactly("empty", "top.txt");
    assertThat(runtime.workspace(s).list(WorkspacePath.parse("empty"))).isEmpty();
  }

  @Test
  void anArchiveOfTheRootHasNoPrefixAndOneOfAnAliasIsNamedAsAsked() throws Exception {
    RuntimeSession s = started(Templates.plain("plain"));
    write(s, "real/a.txt", "A");
    assertThat(sh(s, "ln -s real alias").exitCode()).isZero();
    var root = new ByteArrayOutputStream();
    runtime.workspace(s).getArchive(WorkspacePath.ROOT, root);
    assertThat(names(root.toByteArray())).contains("real/", "real/a.txt", "alias");
    var alias = new ByteArrayOutputStream();
    runtime.workspace(s).getArchive(WorkspacePath.parse("alias"), alias);
    assertThat(names(alias.toByteArray())).containsExactly("alias/", "alias/a.txt");
  }

  private static List<String> names(byte[] tar) throws Exception {
    var out = new java.util.ArrayList<String>();
    try (var in =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.io.ByteArrayInputStream(tar))) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.add(e.getName());
      }
    }
    return out;
  }
}
