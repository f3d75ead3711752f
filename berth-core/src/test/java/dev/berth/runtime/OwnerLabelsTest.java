package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import dev.berth.template.Template;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerLabelsTest {

  @Test
  void aNormalSessionIsLabelledWithItsIdAsAlways() {
    var s = RuntimeSession.fresh(SessionId.of("s1"), Template.builtinDefault(), Map.of("k", "v"));
    assertThat(OwnerLabels.of(s, "session", "inst"))
        .containsExactly(
            Map.entry("berth.instance", "inst"),
            Map.entry("berth.session", "s1"),
            Map.entry("berth.template", Template.builtinDefault().name()),
            Map.entry("berth.type", "session"));
  }

  @Test
  void theSessionLabelCarriesTheHandleNotTheId() {
    var s = RuntimeSession.fresh(SessionId.of("s1"), "pool-7", Template.builtinDefault(), Map.of());
    assertThat(OwnerLabels.of(s, "workspace", "inst")).containsEntry("berth.session", "pool-7");
    assertThat(OwnerLabels.owns(OwnerLabels.of(s, "workspace", "inst"), "pool-7", "inst")).isTrue();
    assertThat(OwnerLabels.owns(OwnerLabels.of(s, "workspace", "inst"), "s1", "inst")).isFalse();
  }

  @Test
  void onlyTheSameHandleOfTheSameInstallationIsOwned() {
    var labels = Map.of("berth.session", "h", "berth.instance", "a");
    assertThat(OwnerLabels.owns(labels, "h", "a")).isTrue();
    assertThat(OwnerLabels.owns(labels, "h", "b")).isFalse();
    assertThat(OwnerLabels.owns(labels, "other", "a")).isFalse();
    assertThat(OwnerLabels.owns(null, "h", "a")).isFalse();
  }
}
