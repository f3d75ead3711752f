package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.OwnerOnly;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SpoolTars;
import dev.berth.runtime.SpoolWatch;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.Template;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's side of Docker file and archive calls (the write held until it is known to fit, the
 * caller's archive while it is checked, the tar sent to the engine) is spooled in the directory the
 * backend was given, the data directory's {@code tmp} in a server, owner-only, and removed after
 * the call: not in the host's shared {@code /tmp}. So is the tar a template volume is seeded from.
 */
class DockerSpoolDirTest extends DockerTestBase {
  @TempDir Path home;

  @Test
  void writesAndArchivesSpoolInTheGivenDirectoryOwnerOnlyAndLeaveNothingThere() throws Exception {
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));
    DockerRuntime spooling = DockerTestSupport.runtime(engine, prefix).useSpoolDir(tmp);
    RuntimeSession s = started(Templates.plain("spool"));
    var files = spooling.workspace(s);

    try (var watch = new SpoolWatch(tmp)) {
      files.writeFile(
          WorkspacePath.parse("written.txt"),
          watch.observing(new ByteArrayInputStream("by write".getBytes(UTF_8))),
          1 << 20);
      files.putArchive(
          WorkspacePath.parse("unpacked"),
          watch.observing(new ByteArrayInputStream(SpoolTars.oneFile("a.txt", "by archive"))));

      // the write's buffer, the caller's archive, and the tar the engine unpacked
      watch.awaitCreated(List.of("berth-write-", ".berth-archive-", "berth-docker-"));
      assertThat(watch.modesWhileReading())
          .as("the spool files that held the caller's bytes")
          .hasSize(2)
          .allSatisfy((name, mode) -> assertThat(mode).isEqualTo("rw-------"));
      assertThat(watch.left()).as("nothing is left after the calls").isEmpty();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)))
        .isEqualTo("rwx------");
    assertThat(read(s, "written.txt")).isEqualTo("by write");
    assertThat(read(s, "unpacked/a.txt")).isEqualTo("by archive");
  }

  @Test
  void aTemplateVolumeIsSeededFromATarInTheGivenDirectoryThatIsRemovedAfterwards()
      throws Exception {
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));
    Path folder = Files.createDirectories(home.resolve("files"));
    Files.writeString(folder.resolve("model.txt"), "weights\n");
    DockerRuntime spooling = DockerTestSupport.runtime(engine, prefix).useSpoolDir(tmp);
    Template t = Template.builder("spooltv").templateVolume("/template", folder).build();
    RuntimeSession s =
        track(RuntimeSession.fresh(dev.berth.base.SessionId.generate(), t, Map.of()));

    try (var watch = new SpoolWatch(tmp)) {
      s = track(s.withState(spooling.prepare(s)));
      watch.awaitCreated(List.of("berth-template-volume-"));
      assertThat(watch.left()).as("the seed's tar is removed once the engine has it").isEmpty();
    }
    s = track(s.withState(spooling.start(s).state()));
    assertThat(out(sh(s, "cat /template/model.txt"))).isEqualTo("weights\n");
  }
}
