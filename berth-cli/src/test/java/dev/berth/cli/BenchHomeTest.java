package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** A benchmark's scratch data directory is the owner's only, and gone when the benchmark ends. */
class BenchHomeTest {
  @Test
  void ownerOnlyWhileItIsUsedAndRemovedWholeAfterwards() throws Exception {
    Path dir;
    try (BenchHome home = BenchHome.make("berth-bench-test-")) {
      dir = home.dir();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      Files.createDirectories(dir.resolve("sessions/a/workspace"));
      Files.writeString(dir.resolve("admin.token"), "secret");
      Files.writeString(dir.resolve("sessions/a/workspace/f.txt"), "x");
    }
    assertThat(dir).doesNotExist();
  }
}
