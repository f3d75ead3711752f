package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.OwnerOnly;
import dev.berth.runtime.SpoolDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar a template volume is seeded from is written in the spool directory it is given (the data
 * directory's {@code tmp} in a server), owner-only, not in the host's shared {@code /tmp}; and a
 * tar that cannot be finished is not left behind.
 */
class TemplateVolumeArchiveTest {
  @TempDir Path home;

  @Test
  void theArchiveIsAnOwnerOnlyFileInTheGivenSpoolDirectory() throws IOException {
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));
    Path folder = Files.createDirectories(home.resolve("files/lib"));
    Files.writeString(home.resolve("files/model.txt"), "weights\n");

    Path tar = TemplateVolumes.archive(home.resolve("files"), new SpoolDir(tmp));

    assertThat(tar.getParent()).isEqualTo(tmp);
    assertThat(tar.getFileName().toString()).startsWith("berth-template-volume-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tar)))
        .isEqualTo("rw-------");
    List<String> names = new ArrayList<>();
    try (var in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertThat(names).containsExactly("lib/", "model.txt");
    assertThat(folder).isDirectory();
  }

  @Test
  void anArchiveThatCannotBeWrittenIsRemoved() throws IOException {
    Path tmp = OwnerOnly.directory(home.resolve("tmp"));

    assertThatThrownBy(() -> TemplateVolumes.archive(home.resolve("gone"), new SpoolDir(tmp)))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("cannot read the template volume's folder");
    try (var left = Files.list(tmp)) {
      assertThat(left).as("nothing is left in the spool directory").isEmpty();
    }
  }
}
