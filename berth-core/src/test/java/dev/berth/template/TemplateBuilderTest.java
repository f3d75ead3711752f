package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.base.SessionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's defaults are a template.yaml's defaults, and its setters reach the right group. */
class TemplateBuilderTest {
  @TempDir Path dir;

  @Test
  void aBuiltTemplateEqualsAnEmptyTemplateYaml() throws IOException {
    Files.createDirectories(dir.resolve("empty"));
    Files.writeString(dir.resolve("empty/template.yaml"), "{}\n");
    Template loaded = TemplateLoader.load(dir).get("empty");
    assertThat(loaded).isEqualTo(Template.builder("empty").directory(dir.resolve("empty")).build());
  }

  @Test
  void theBuiltInTemplatesKeepEveryDefault() {
    Template d = Template.builtinDefault();
    assertThat(d.name()).isEqualTo(Template.DEFAULT_NAME);
    assertThat(d.hasApp()).isFalse();
    assertThat(d.image()).isEqualTo(new ImageSettings(Optional.empty(), Optional.empty()));
    assertThat(d.app())
        .isEqualTo(
            new AppSettings(
                List.of(),
                List.of(),
                Optional.empty(),
                HealthCheck.DEFAULT,
                ProxySettings.DEFAULT));
    assertThat(d.container())
        .isEqualTo(
            new ContainerSettings(
                Optional.empty(), Map.of(), ResourceLimits.NONE, List.of(), false));
    assertThat(d.workspace())
        .isEqualTo(
            new WorkspaceSettings(
                "/workspace", Optional.empty(), WorkspaceVolume.DEFAULT, Optional.empty()));
    assertThat(d.lifetime())
        .isEqualTo(
            new LifetimeSettings(
                Duration.ZERO, Duration.ZERO, CullAction.STOP, RestartPolicy.DEFAULT));
    assertThat(d.placement()).isEqualTo(new PlacementSettings(Optional.empty(), List.of()));
    assertThat(d.allowsBackend("anything")).isTrue();
    Template p = Template.placeholder("gone");
    assertThat(p.name()).isEqualTo("gone");
    assertThat(p).usingRecursiveComparison().ignoringFields("name", "description").isEqualTo(d);
  }

  @Test
  void keySettersChangeOnlyTheirKey() {
    Template t =
        Template.builder("web")
            .image("example/web:1")
            .command("serve", "--port", "8080")
            .ports(8080)
            .user("1000")
            .env(Map.of("A", "1"))
            .workspacePath("/home/w")
            .idleTimeout(Duration.ofMinutes(5))
            .cullAction(CullAction.DELETE)
            .backend("docker")
            .allowedBackends(List.of("docker", "k8s"))
            .build();
    assertThat(t.image().reference()).hasValue("example/web:1");
    assertThat(t.app().command()).containsExactly("serve", "--port", "8080");
    assertThat(t.primaryPort()).hasValue(8080);
    assertThat(t.app().health()).isEqualTo(HealthCheck.DEFAULT);
    assertThat(t.container().user()).hasValue("1000");
    assertThat(t.container().env()).containsExactly(Map.entry("A", "1"));
    assertThat(t.workspace().path()).isEqualTo("/home/w");
    assertThat(t.lifetime().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(t.lifetime().maxLifetime()).isZero();
    assertThat(t.lifetime().cullAction()).isEqualTo(CullAction.DELETE);
    assertThat(t.allowsBackend("k8s")).isTrue();
    assertThat(t.allowsBackend("local")).isFalse();
    assertThat(t.toBuilder().user("2000").build())
        .isEqualTo(t.toBuilder().container(t.container().withUser(Optional.of("2000"))).build());
    Template forSession = t.forSession(SessionId.of("s1"));
    assertThat(forSession.container().env()).containsEntry("BERTH_BASE_PATH", "/s/s1/");
    assertThat(forSession.lifetime()).isEqualTo(t.lifetime());
  }
}
