package dev.berth.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.service.files.FileCondition;
import dev.berth.service.files.FileVersion;
import dev.berth.service.files.FileVersionConflict;
import dev.berth.session.CreateSessionRequest;
import dev.berth.tools.FileEdit;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's file versions, as the MCP tools will use them: versioned reads, and writes and
 * edits that refuse a stale version with the current one (what REST maps to 412).
 */
class WorkspaceVersionsTest {
  @TempDir Path home;

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(UTF_8));
  }

  @Test
  void editsAndWritesCheckTheVersionTheyWereBasedOn() {
    try (var t = new TestServices(home)) {
      SessionId id =
          t.service
              .create(
                  new CreateSessionRequest(
                      Optional.of(SessionId.of("ver")),
                      Optional.empty(),
                      Optional.empty(),
                      Map.of(),
                      true))
              .session()
              .id();
      SessionWorkspace ws = t.service.workspace().via("mcp");
      String v1 = ws.writeFile(id, "a.txt", bytes("one\n"), FileCondition.absent());
      assertThat(v1).isEqualTo(FileVersion.of("one\n".getBytes(UTF_8)));
      var read = ws.readTextVersioned(id, "a.txt", 0, 10);
      assertThat(read.version()).isEqualTo(v1);
      assertThat(read.window().text()).isEqualTo("one\n");

      var edited =
          ws.editFile(
              id, "a.txt", List.of(new FileEdit("one", "two", false)), FileCondition.version(v1));
      assertThat(edited.version()).isEqualTo(ws.readVersioned(id, "a.txt").version());

      // Based on v1, which is gone now: refused, with the current version, nothing changed.
      assertThatThrownBy(
              () ->
                  ws.editFile(
                      id,
                      "a.txt",
                      List.of(new FileEdit("two", "lost", false)),
                      FileCondition.version(v1)))
          .isInstanceOfSatisfying(
              FileVersionConflict.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.VERSION_CONFLICT);
                assertThat(e.code().httpStatus()).isEqualTo(412);
                assertThat(e.currentVersion()).contains(edited.version());
              });
      assertThatThrownBy(() -> ws.writeFile(id, "a.txt", bytes("lost"), FileCondition.version(v1)))
          .isInstanceOf(FileVersionConflict.class)
          .hasMessageContaining("changed since it was read");
      assertThat(new String(ws.readFile(id, "a.txt"), UTF_8)).isEqualTo("two\n");

      assertThatThrownBy(() -> ws.writeFile(id, "a.txt", bytes("x"), FileCondition.absent()))
          .isInstanceOfSatisfying(
              FileVersionConflict.class,
              e -> assertThat(e.currentVersion()).contains(edited.version()));
      assertThatThrownBy(
              () ->
                  ws.editFile(
                      id, "a.txt", List.of(new FileEdit("a", "b", false)), FileCondition.absent()))
          .isInstanceOfSatisfying(
              BerthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
      // No version means no condition, as an absent if_version would.
      assertThat(FileCondition.version(null)).isEqualTo(FileCondition.any());
      assertThat(FileCondition.version(" ")).isEqualTo(FileCondition.any());
    }
  }
}
