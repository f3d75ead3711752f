package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a definition fingerprint covers: everything a container is created from, nothing else. */
class TemplateDefinitionTest {
  private final Template base =
      Template.builder("app")
          .command(List.of("sleep", "60"))
          .env(Map.of("A", "1"))
          .ports(List.of(8080))
          .build();
  private final String fingerprint = TemplateDefinition.fingerprint(base);

  @Test
  void everythingACreateUsesChangesIt() {
    assertThat(
            List.of(
                base.toBuilder().command(List.of("sleep", "61")).build(),
                base.toBuilder().env(Map.of("A", "2")).build(),
                base.toBuilder().ports(List.of(8081)).build(),
                base.toBuilder().image("other:1").build(),
                base.toBuilder().user("1000").build(),
                base.toBuilder().workspacePath("/home/work").build(),
                base.toBuilder().resources(new ResourceLimits(1, 0, 0)).build(),
                base.toBuilder().capabilities(List.of("NET_BIND_SERVICE")).build()))
        .allSatisfy(t -> assertThat(TemplateDefinition.fingerprint(t)).isNotEqualTo(fingerprint));
  }

  @Test
  void whatIsReadAtEveryUseOrOnlySeedsLeavesItAlone() {
    Template t =
        base.toBuilder()
            .description("other words")
            .idleTimeout(Duration.ofMinutes(5))
            .probe(new HealthProbe.Tcp(8080, Duration.ofSeconds(5)))
            .build();
    assertThat(TemplateDefinition.fingerprint(t)).isEqualTo(fingerprint);
    assertThat(TemplateDefinition.fingerprint(base)).as("stable").isEqualTo(fingerprint);
    assertThat(TemplateDefinition.shortForm(fingerprint)).hasSize(12);
  }

  @Test
  void aSessionsBasePathIsPartOfItsDefinition() {
    String one = TemplateDefinition.fingerprint(base.forSession(SessionId.of("one")));
    assertThat(TemplateDefinition.fingerprint(base.forSession(SessionId.of("one")))).isEqualTo(one);
    assertThat(TemplateDefinition.fingerprint(base.forSession(SessionId.of("two"))))
        .isNotEqualTo(one);
  }
}
