package dev.berth.runtime.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.model.Container;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what happens without a Docker engine: with {@code CI} set the tests
 * fail (CI must provide an engine), otherwise they are skipped with a message that says so. Also
 * hands out a unique name prefix per test class and removes everything carrying it afterwards.
 */
final class DockerTestSupport {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DockerTestSupport() {}

  /** A connected engine, or the test is failed (CI) or skipped (elsewhere). */
  static DockerEngine engineOrSkip() {
    DockerEngine engine;
    String why;
    try {
      engine = DockerEngine.connect(null);
      why = engine.ping();
    } catch (RuntimeException e) {
      engine = null;
      why = e.toString();
    }
    if (why == null) {
      return engine;
    }
    if (engine != null) {
      engine.close();
    }
    String message =
        "no Docker engine answers (DOCKER_HOST="
            + System.getenv().getOrDefault("DOCKER_HOST", "unset, so unix:///var/run/docker.sock")
            + "): "
            + why;
    if (System.getenv("CI") != null) {
      fail(message + "; CI is set, so the Docker tests must run: start dockerd first");
    }
    Assumptions.abort(message + "; Docker tests skipped (set CI to make this a failure)");
    throw new IllegalStateException("unreachable");
  }

  /** {@code bt} and 8 random characters: matches the prefix rule and never clashes. */
  static String newPrefix() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    var sb = new StringBuilder("bt");
    for (int i = 0; i < 8; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static String instanceFor(String prefix) {
    return "test-" + prefix;
  }

  static DockerRuntime runtime(DockerEngine engine, String prefix) {
    return new DockerRuntime(engine, prefix, instanceFor(prefix), DefaultImage.HOST_BUSYBOX);
  }

  /** Removes every container, network, volume and image whose name starts with the prefix. */
  static void removeEverything(DockerEngine engine, String prefix) {
    var client = engine.client;
    for (Container c : client.listContainersCmd().withShowAll(true).exec()) {
      for (String name : c.getNames()) {
        if (name.startsWith("/" + prefix)) {
          quietly(() -> client.removeContainerCmd(c.getId()).withForce(true).exec());
          break;
        }
      }
    }
    client.listNetworksCmd().exec().stream()
        .filter(n -> n.getName().startsWith(prefix))
        .forEach(n -> quietly(() -> client.removeNetworkCmd(n.getId()).exec()));
    var volumes = client.listVolumesCmd().exec().getVolumes();
    if (volumes != null) {
      volumes.stream()
          .filter(v -> v.getName().startsWith(prefix))
          .forEach(v -> quietly(() -> client.removeVolumeCmd(v.getName()).exec()));
    }
    for (var image : client.listImagesCmd().exec()) {
      List<String> tags = image.getRepoTags() == null ? List.of() : List.of(image.getRepoTags());
      if (tags.stream().anyMatch(t -> t.startsWith(prefix + "/"))) {
        quietly(() -> client.removeImageCmd(image.getId()).withForce(true).exec());
      }
    }
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // best effort: the resource may be gone already
    }
  }
}
