package dev.berth.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template of several containers on a backend without {@link
 * dev.berth.runtime.Ability#CONTAINERS} (the fake; every real backend has it) is refused at create
 * with 422, naming the backend that can run it, before anything is made; a template of one
 * container is not affected.
 */
class ContainersLogicTest {
  @TempDir Path home;
  private FakeServices t;

  @BeforeEach
  void setUp() throws java.io.IOException {
    java.nio.file.Files.createDirectories(home.resolve("templates/files/files"));
    t =
        new FakeServices(
            home,
            Map.of(
                "pipe",
                "command: [app]\ncontainers:\n  processor: {command: [work]}\n  merger: {command:"
                    + " [merge], after: [processor]}\n",
                "web",
                "command: [app]\nports: [8080]\n",
                "files",
                "command: [app]\ntemplateVolume: {path: /template, from: files/}\n"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void aCreateOnABackendThatCannotRunSeveralContainersIsRefusedAndMakesNothing() {
    assertThatThrownBy(() -> t.create("p1", "pipe"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'pipe' runs several containers [processor, merger]")
        .hasMessageContaining(
            "the fake backend cannot run them (the docker, kubernetes and local backends can)")
        .hasMessageContaining("nothing was made")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(t.registry.sessions().find(SessionId.of("p1"))).isEmpty();
    assertThat(t.runtime.calls("prepare")).isZero();
    assertThat(t.create("w1", "web").id().value()).isEqualTo("w1");
  }

  @Test
  void aTemplateVolumeOnABackendThatCannotMakeOneIsRefusedAndMakesNothing() {
    assertThatThrownBy(() -> t.create("f1", "files"))
        .isInstanceOf(BerthException.class)
        .hasMessageContaining("template 'files' has a templateVolume, which the fake backend")
        .hasMessageContaining("use the docker or kubernetes backend")
        .hasMessageContaining("nothing was made")
        .satisfies(
            e -> assertThat(((BerthException) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
    assertThat(t.registry.sessions().find(SessionId.of("f1"))).isEmpty();
    assertThat(t.runtime.calls("prepare")).isZero();
  }
}
