package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.config.BackendSettings;
import dev.berth.config.BerthConfig;
import dev.berth.config.ConfigLoader;
import dev.berth.runtime.Backends;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProvider;
import dev.berth.runtime.provider.BackendProviders;
import dev.berth.runtime.provider.BackendUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend kinds of the berth program are found with ServiceLoader, and the default is chosen as
 * docs/backends.md says: the kind {@code backend} names, or under {@code auto} the kind of highest
 * priority that opens (Docker when an engine answers, else local).
 */
class BackendProvidersTest {
  @TempDir Path home;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void theProgramsKindsAreFoundOnTheClassPath() {
    var installed = BackendProviders.installed();
    assertThat(installed.kinds()).containsExactly("local", "docker", "kubernetes");
    assertThat(installed.get("local").orElseThrow().alwaysPresent()).isTrue();
    assertThat(installed.get("docker").orElseThrow().priority())
        .as("docker before local under auto")
        .isGreaterThan(installed.get("local").orElseThrow().priority());
    assertThat(installed.get("kubernetes").orElseThrow().priority())
        .as("kubernetes only when configured")
        .isNegative();
  }

  @Test
  void autoFallsBackToLocalWhenNoDockerEngineAnswers() {
    var installed = BackendProviders.installed();
    BerthConfig config =
        load(installed, Map.of("BERTH_DOCKER_HOST", "unix://" + home.resolve("no.sock")), "auto");
    try (Backends backends = installed.open(context(config))) {
      assertThat(backends.names()).containsExactly("local");
      assertThat(backends.defaultName()).isEqualTo("local");
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("backend auto: no Docker engine answers")
        .contains("; using local");
    assertThat(installed.autoChoice(config, Map.of())).hasValue("local");
  }

  @Test
  void autoPicksDockerWhenAnEngineAnswers() {
    DockerRequired.check();
    var installed = BackendProviders.installed();
    // A prefix of its own: the engine may hold another installation's resources under "berth",
    // and Berth refuses to share a prefix with another installation.
    String prefix = "bprov" + Long.toString(System.nanoTime() % 100_000, 36);
    BerthConfig config = load(installed, Map.of("BERTH_PREFIX", prefix), "auto");
    try (Backends backends = installed.open(context(config))) {
      assertThat(backends.names()).containsExactly("local", "docker");
      assertThat(backends.defaultName()).isEqualTo("docker");
    }
    assertThat(installed.autoChoice(config, System.getenv())).hasValue("docker");
  }

  @Test
  void aConfiguredKindThatCannotRunHereStopsStartUp() {
    var installed = BackendProviders.installed();
    BerthConfig config =
        load(installed, Map.of("BERTH_DOCKER_HOST", "unix://" + home.resolve("no.sock")), "docker");
    assertThatThrownBy(() -> installed.open(context(config)))
        .hasMessageContaining("backend 'docker' is configured, but no Docker engine answers")
        .hasMessageContaining("(start dockerd, set DOCKER_HOST or dockerHost");
  }

  @Test
  void autoTriesKindsByPriorityAndAlwaysKeepsTheAlwaysPresentOnes() {
    var kinds =
        BackendProviders.of(
            List.of(
                new Fake("low", 1, true, false),
                new Fake("high", 9, false, false),
                new Fake("never", -1, true, false),
                new Fake("base", 0, true, true)));
    BerthConfig config = load(kinds, Map.of(), "auto");
    try (Backends backends = kinds.open(context(config))) {
      assertThat(backends.names()).containsExactly("base", "low");
      assertThat(backends.defaultName()).isEqualTo("low");
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("backend auto: high is down; using low");
    try (Backends backends = kinds.open(context(load(kinds, Map.of(), "never")))) {
      assertThat(backends.names()).containsExactly("base", "never");
      assertThat(backends.defaultName()).isEqualTo("never");
    }
  }

  @Test
  void anUnknownKindIsRefusedWithTheKnownOnes() throws Exception {
    var installed = BackendProviders.installed();
    Files.writeString(
        home.resolve("berth.yaml"),
        "backends:\n  pods: {kind: podman, socket: /run/podman.sock}\n");
    assertThatThrownBy(() -> load(installed, Map.of(), "auto"))
        .hasMessageContaining("backends.pods.kind: must be one of [docker, kubernetes]");
    Files.delete(home.resolve("berth.yaml"));
    assertThatThrownBy(() -> load(installed, Map.of(), "podman"))
        .hasMessageContaining(
            "--backend='podman': must be one of [auto, local, docker, kubernetes]");
  }

  private BerthConfig load(BackendProviders kinds, Map<String, String> env, String backend) {
    return ConfigLoader.load(home, env, Map.of("backend", backend), kinds.all());
  }

  private BackendContext context(BerthConfig config) {
    return new BackendContext(config, "test", new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  /** A kind that opens a local runtime, or is down. */
  private record Fake(String kind, int priority, boolean opens, boolean alwaysPresent)
      implements BackendProvider {
    @Override
    public Availability availability(BackendSettings settings, Map<String, String> env) {
      return new Availability(opens, opens ? "up" : "down");
    }

    @Override
    public SessionRuntime open(BackendContext context) {
      if (!opens) {
        throw new BackendUnavailableException(kind + " is down", "start it");
      }
      return new LocalRuntime(context.config().home().resolve(kind), context.instance());
    }
  }
}
