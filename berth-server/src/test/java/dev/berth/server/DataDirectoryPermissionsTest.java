package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory is Berth's user's only (issue 15): {@code BERTH_HOME} 0700, the registry's
 * files, {@code admin.token} and {@code instance.id} 0600, local workspaces 0700, on a fresh
 * directory and on one an older Berth left world-readable (corrected at start-up); and start-up
 * empties {@code tmp}, where a killed run's temporary files are.
 */
class DataDirectoryPermissionsTest {
  @TempDir Path parent;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static void assertOwnerOnly(Path home, String sessionId) throws IOException {
    assertThat(mode(home)).as("BERTH_HOME").isEqualTo("rwx------");
    for (String file :
        new String[] {"berth.db", "berth.db-wal", "berth.db-shm", "admin.token", "instance.id"}) {
      assertThat(home.resolve(file)).exists();
      assertThat(mode(home.resolve(file))).as(file).isEqualTo("rw-------");
    }
    assertThat(mode(home.resolve("tmp"))).as("tmp").isEqualTo("rwx------");
    assertThat(mode(home.resolve("sessions"))).as("sessions").isEqualTo("rwx------");
    Path session = home.resolve("sessions").resolve(sessionId);
    assertThat(mode(session)).as("a local session's directory").isEqualTo("rwx------");
    assertThat(mode(session.resolve("workspace"))).as("its workspace").isEqualTo("rwx------");
  }

  @Test
  void aFreshDataDirectoryIsTheOwnersOnly() throws IOException {
    Path home = parent.resolve("fresh");
    try (var berth = new TestServer(home)) {
      var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"mine\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);

      assertOwnerOnly(home, "mine");
    }
  }

  @Test
  void startUpCorrectsWhatAnOlderBerthLeftReadableAndEmptiesTmp() throws IOException {
    Path home = parent.resolve("old");
    var berth = new TestServer(home);
    var created = berth.admin("POST", "/api/v1/sessions", "{\"id\": \"old\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    berth.server.close(); // the session runs on, as it does across a manager restart
    // What an older Berth left: everything readable by everyone, and a killed run's archive.
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : all.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setPosixFilePermissions(
              p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    Files.createDirectories(home.resolve("tmp/berth-context-x"));
    Files.writeString(home.resolve("tmp/berth-migrate-old-1.tar"), "a workspace copy");
    Files.writeString(home.resolve("tmp/berth-context-x/Dockerfile"), "FROM scratch");

    try (var ignored = new TestServer(home)) {
      assertOwnerOnly(home, "old");
      try (Stream<Path> left = Files.list(home.resolve("tmp"))) {
        assertThat(left).as("start-up emptied tmp").isEmpty();
      }
    }
  }
}
