package dev.berth.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeNamesTest {
  private static final String LONGEST_ID = "s".repeat(40);
  private static final String DNS_1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";

  @Test
  void shortNamesAreKeptWhole() {
    assertThat(KubeNames.baseName("berth", "web", "s-abc")).isEqualTo("berth-web-s-abc");
  }

  @Test
  void longNamesKeepPrefixAndSessionAndStayServiceNames() {
    String template = "t".repeat(40);
    String name = KubeNames.baseName("abcdefghijkl", template, LONGEST_ID);
    assertThat(name)
        .hasSizeLessThanOrEqualTo(KubeNames.MAX)
        .startsWith("abcdefghijkl-")
        .endsWith("-" + LONGEST_ID)
        .matches(DNS_1035);
    assertThat(name + "-h").hasSizeLessThanOrEqualTo(63);
    // two long templates never meet in one name
    assertThat(KubeNames.baseName("abcdefghijkl", "u".repeat(40), LONGEST_ID)).isNotEqualTo(name);
    String middling = KubeNames.baseName("berth", "a-long-template-name-of-thirty", LONGEST_ID);
    assertThat(middling)
        .hasSizeLessThanOrEqualTo(KubeNames.MAX)
        .startsWith("berth-a-long")
        .endsWith(LONGEST_ID)
        .matches(DNS_1035);
  }

  @Test
  void persistedNamesWinOverTodaysConfiguration() {
    var state = RuntimeState.of(1, Map.of("namespace", "old-ns", "name", "old-web-s-abc"));
    KubeNames n = KubeNames.of(state, "new-ns", "new", "web", "s-abc");
    assertThat(n).isEqualTo(new KubeNames("old-ns", "old-web-s-abc"));
    assertThat(n.serviceHost()).isEqualTo("old-web-s-abc.old-ns.svc");
    assertThat(
            KubeNames.of(RuntimeState.EMPTY, "ns", "berth", "web", "s-abc")
                .into(RuntimeState.EMPTY)
                .values())
        .containsExactlyInAnyOrderEntriesOf(Map.of("namespace", "ns", "name", "berth-web-s-abc"));
  }
}
