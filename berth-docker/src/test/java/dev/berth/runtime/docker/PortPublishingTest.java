package dev.berth.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ExposedPort;
import dev.berth.base.SessionId;
import dev.berth.runtime.RuntimeSession;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Publish or not, decided without an engine. */
class PortPublishingTest {
  private static boolean publishes(PortPublishing.Mode mode, String host) {
    return PortPublishing.decide(mode, Optional.of(URI.create(host))).publishes();
  }

  @Test
  void autoPublishesOnlyForARemoteEngine() {
    var auto = PortPublishing.Mode.AUTO;
    assertThat(publishes(auto, "unix:///var/run/docker.sock")).isFalse();
    assertThat(publishes(auto, "tcp://127.0.0.1:2375")).isFalse();
    assertThat(publishes(auto, "tcp://127.0.0.2:2375")).isFalse();
    assertThat(publishes(auto, "tcp://localhost:2376")).isFalse();
    assertThat(publishes(auto, "tcp://[::1]:2376")).isFalse();
    assertThat(publishes(auto, "tcp://10.0.0.7:2376")).isTrue();
    assertThat(publishes(auto, "tcp://gpu-box.example.org:2376")).isTrue();
    assertThat(PortPublishing.decide(auto, Optional.empty()).publishes())
        .as("an engine whose address is unknown is taken for remote")
        .isTrue();
  }

  @Test
  void alwaysAndNeverMeanWhatTheySay() {
    assertThat(publishes(PortPublishing.Mode.ALWAYS, "unix:///var/run/docker.sock")).isTrue();
    assertThat(publishes(PortPublishing.Mode.NEVER, "tcp://10.0.0.7:2376")).isFalse();
    assertThat(DockerSettings.publishPorts("always")).isEqualTo(PortPublishing.Mode.ALWAYS);
    assertThat(DockerSettings.KEYS).containsEntry("dockerPublishPorts", "auto");
  }

  @Test
  void unpublishedPortsHaveNoBindingButStayExposed() {
    var s = RuntimeSession.fresh(SessionId.of("web1"), Templates.web("w", 8080), Map.of());
    var names = DockerNames.generate("b", "w", "web1");
    var spec = ContainerSpec.of(s, names, "img", Map.of(), SharedFiles.NONE, "web1", false);
    assertThat(spec.hostConfig().getPortBindings()).isNull();
    var published = ContainerSpec.of(s, names, "img", Map.of(), SharedFiles.NONE, "web1", true);
    assertThat(published.hostConfig().getPortBindings().getBindings())
        .containsOnlyKeys(ExposedPort.tcp(8080));
  }
}
