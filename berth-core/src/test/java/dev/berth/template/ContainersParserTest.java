package dev.berth.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code containers:} key: read, ordered by {@code after}, checked at load, inherited. */
class ContainersParserTest {
  @TempDir Path dir;

  private void template(String name, String yaml) throws IOException {
    Files.createDirectories(dir.resolve(name));
    Files.writeString(dir.resolve(name).resolve("template.yaml"), yaml);
  }

  private static final String PIPELINE =
      """
      command: [sleep, infinity]
      containers:
        merger:
          shell: cat /w/out/result
          after: [plugin]
          workspace: {subPath: out, readOnly: true}
        processor:
          image: berth/busybox:1
          command: [sh, -c, 'echo hi > /w/in']
          env: {MODE: fast}
          user: "1000"
          resources: {cpus: 0.5, memory: 64m, pids: 50}
        plugin:
          shell: tr a-z A-Z
          after: processor
          ports: [8080]
          probe: {tcp: 8080, startTimeout: 5s}
          start: manual
      """;

  @Test
  void everyKeyIsReadAndTheStartOrderHonoursAfter() throws IOException {
    template("pipeline", PIPELINE);
    Template t = TemplateLoader.load(dir).get("pipeline");
    assertThat(t.containers().types()).containsExactly("processor", "plugin", "merger");
    SessionContainer processor = t.containers().get("processor").orElseThrow();
    assertThat(processor.image()).contains("berth/busybox:1");
    assertThat(processor.env()).containsEntry("MODE", "fast");
    assertThat(processor.user()).contains("1000");
    assertThat(processor.resources()).isEqualTo(new ResourceLimits(0.5, 64L << 20, 50));
    assertThat(processor.autoStarts()).isTrue();
    SessionContainer plugin = t.containers().get("plugin").orElseThrow();
    assertThat(plugin.command()).containsExactly("/bin/sh", "-c", "tr a-z A-Z");
    assertThat(plugin.start()).isEqualTo(ContainerStart.MANUAL);
    assertThat(plugin.probe()).contains(new HealthProbe.Tcp(8080, java.time.Duration.ofSeconds(5)));
    assertThat(plugin.image()).isEmpty();
    SessionContainer merger = t.containers().get("merger").orElseThrow();
    assertThat(merger.subPath()).isEqualTo("out");
    assertThat(merger.readOnly()).isTrue();
    assertThat(t.containers().auto())
        .extracting(SessionContainer::type)
        .containsExactly("processor", "merger");
  }

  @Test
  void aTemplateWithoutTheKeyIsOneContainerAndKeepsItsFingerprint() throws IOException {
    template("plain", "command: [sleep, '60']\n");
    Template t = TemplateLoader.load(dir).get("plain");
    assertThat(t.containers()).isEqualTo(SessionContainers.NONE);
    assertThat(Template.builtinDefault().containers().isEmpty()).isTrue();
    Template base = Template.builder("app").command(List.of("sleep", "60")).build();
    assertThat(TemplateDefinition.fingerprint(base))
        .as("pinned in SandboxKeyTest too: no container recreated by an upgrade")
        .isEqualTo("b2d9ab9919508e0becf3db9f0796d9220472812a85cc7ab5cb6108930bd1b19b");
    Template withSidecar =
        base.toBuilder()
            .containers(
                SessionContainers.ordered(List.of(SessionContainer.of("plugin", List.of("true")))))
            .build();
    assertThat(TemplateDefinition.fingerprint(withSidecar))
        .isNotEqualTo(TemplateDefinition.fingerprint(base));
  }

  @Test
  void childrenInheritTheContainersOrReplaceThemAsAWhole() throws IOException {
    template("pipeline", PIPELINE);
    template("faster", "parent: pipeline\nenv: {X: '1'}\n");
    template("other", "parent: pipeline\ncontainers:\n  solo: {command: ['true']}\n");
    var catalog = TemplateLoader.load(dir);
    assertThat(catalog.get("faster").containers()).isEqualTo(catalog.get("pipeline").containers());
    assertThat(catalog.get("other").containers().types()).containsExactly("solo");
  }

  @Test
  void badTypesAreRefusedAtLoad() throws IOException {
    template(
        "bad",
        """
        containers:
          session: {command: ['true']}
          Plugin_A: {command: ['true']}
          this-name-is-far-too-long-for-a-type: {command: ['true']}
        """);
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("container type 'session' is the main container's")
        .hasMessageContaining("container type 'Plugin_A' must be a DNS label")
        .hasMessageContaining("container type 'this-name-is-far-too-long-for-a-type'");
  }

  @Test
  void anAfterNamingNoContainerAndACycleAreRefused() throws IOException {
    template("dangling", "containers:\n  a: {command: ['true'], after: [ghost]}\n");
    template(
        "loop",
        """
        containers:
          a: {command: ['true'], after: [c]}
          b: {command: ['true'], after: [a]}
          c: {command: ['true'], after: [b]}
        """);
    var loaded = TemplateLoader.loadReporting(dir);
    assertThat(loaded.catalog().find("dangling")).isEmpty();
    assertThat(loaded.catalog().find("loop")).isEmpty();
    String all = loaded.problems().toString();
    assertThat(all)
        .contains("container 'a' starts after 'ghost', which is not one of the template's")
        .contains("containers start after each other: a -> c -> b -> a");
  }

  @Test
  void unknownKeysBadStartsSubPathsAndProbePortsAreNamed() throws IOException {
    template(
        "typos",
        """
        containers:
          p:
            comand: [x]
            start: sometimes
            workspace: {subPath: ../up}
            ports: [80]
            probe: {tcp: 81}
        """);
    assertThatThrownBy(() -> TemplateLoader.load(dir))
        .hasMessageContaining("containers.p")
        .hasMessageContaining("comand")
        .hasMessageContaining("'start' must be auto or manual (got 'sometimes')")
        .hasMessageContaining("'workspace.subPath' must be a relative path")
        .hasMessageContaining("its probe's port 81 is not in its 'ports' [80]");
  }

  @Test
  void anImageOfItsOwnOrTheMainOne() {
    SessionContainer c = SessionContainer.of("x", List.of());
    assertThat(c.image()).isEmpty();
    assertThat(c.withImage(Optional.of("i:1")).image()).contains("i:1");
  }
}
