package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeContract;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalRuntimeContractTest extends RuntimeContract {
  private LocalRuntime runtime;

  @BeforeEach
  void setUp() {
    runtime = new LocalRuntime(tmp.resolve("sessions"), "test-instance");
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected SessionRuntime freshRuntime() {
    return new LocalRuntime(tmp.resolve("sessions"), "test-instance");
  }

  @Test
  void writtenFilesGetOrdinaryPermissionsAndKeepThemWhenReplaced() throws Exception {
    RuntimeSession s = started(template("plain", List.of(), Optional.empty()));
    runtime
        .workspace(s)
        .writeFile(WorkspacePath.parse("a.txt"), new ByteArrayInputStream(new byte[1]), 10);
    var file = tmp.resolve("sessions").resolve(s.id().value()).resolve("workspace/a.txt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
    runtime
        .workspace(s)
        .writeFile(WorkspacePath.parse("a.txt"), new ByteArrayInputStream(new byte[2]), 10);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rwxr-x---");
  }
}
