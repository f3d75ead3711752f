package dev.berth.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "abc-123", "x1", "a234567890123456789012345678901234567890"})
  void acceptsDnsLabels(String id) {
    assertThat(SessionId.of(id).value()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-a",
        "a-",
        "A",
        "a_b",
        "a.b",
        "a b",
        "é",
        "../x",
        "a2345678901234567890123456789012345678901"
      })
  void rejectsEverythingElseWithTheRule(String id) {
    assertThatThrownBy(() -> SessionId.of(id))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("invalid session id")
        .hasMessageContaining(SessionId.RULE)
        .extracting(e -> ((BerthException) e).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void generatedIdsAreValidAndDistinct() {
    var a = SessionId.generate();
    var b = SessionId.generate();
    assertThat(a).isNotEqualTo(b);
    assertThat(SessionId.of(a.value())).isEqualTo(a);
  }
}
