package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkspacePathTest {
  @ParameterizedTest
  @CsvSource({
    "a/b,a/b",
    "./a//b/,a/b",
    "'',''",
    ".,''",
    "a/./b/.,a/b",
    "dir name/f.txt,dir name/f.txt"
  })
  void normalizes(String raw, String normalized) {
    assertThat(WorkspacePath.parse(raw).value()).isEqualTo(normalized);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../etc/passwd", "a/../../b", "a/..", "/etc/passwd", "/", "a\\..\\b", "a\0b"})
  void refusesEscapes(String raw) {
    assertThatThrownBy(() -> WorkspacePath.parse(raw))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("outside the workspace");
  }

  @Test
  void parentAndFileName() {
    var p = WorkspacePath.parse("a/b/c.txt");
    assertThat(p.parent().value()).isEqualTo("a/b");
    assertThat(p.fileName()).isEqualTo("c.txt");
    assertThat(WorkspacePath.parse("c").parent().isRoot()).isTrue();
    assertThat(WorkspacePath.ROOT.display()).isEqualTo(".");
  }
}
