package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDirTest {
  @TempDir Path home;

  @Test
  void aSpoolFileIsOwnerOnlyInADirectoryMadeOwnerOnlyWhenMissing() throws Exception {
    var spool = new SpoolDir(home.resolve("tmp"));
    Path file = spool.newFile("berth-test-", ".bin");
    assertThat(file.getParent()).isEqualTo(home.resolve("tmp"));
    assertThat(file.getFileName().toString()).startsWith("berth-test-").endsWith(".bin");
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(mode(file.getParent())).isEqualTo("rwx------");
  }

  @Test
  void anExistingDirectoryKeepsItsModeSoTheHostsTmpIsNeverChmodded() throws Exception {
    Path shared = Files.createDirectory(home.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path file = new SpoolDir(shared).newFile("berth-test-", ".bin");
    assertThat(mode(shared)).isEqualTo("rwxrwxrwx");
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
