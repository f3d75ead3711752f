package dev.berth.runtime.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.model.Container;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one place that decides what happens without a Docker engine: with {@code CI} set the tests
 * fail (CI must provide an engine), otherwise they are skipped with a message that says so. Used as
 * a JUnit condition ({@code @ExtendWith(DockerTestSupport.class)}), so a skip shows up as such in
 * the reports with its reason. Also hands out a unique name prefix per test class and removes
 * everything carrying it afterwards.
 */
final class DockerTestSupport implements ExecutionCondition {
  private static final SecureRandom RANDOM = new SecureRandom();
  // Asked once per test JVM: null when the engine answers, else why not.
  private static volatile String unavailable;
  private static volatile boolean asked;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = whyUnavailable();
    if (why == null) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError(why + "; CI is set, so the Docker tests must run: start dockerd");
    }
    return ConditionEvaluationResult.disabled(
        why + "; Docker tests skipped (set CI to make this a failure)");
  }

  private static synchronized String whyUnavailable() {
    if (!asked) {
      try (DockerEngine engine = DockerEngine.connect(null)) {
        String why = engine.ping();
        unavailable = why == null ? null : describe(why);
      } catch (RuntimeException e) {
        unavailable = describe(e.toString());
      }
      asked = true;
    }
    return unavailable;
  }

  private static String describe(String why) {
    return "no Docker engine answers (DOCKER_HOST="
        + System.getenv().getOrDefault("DOCKER_HOST", "unset, so unix:///var/run/docker.sock")
        + "): "
        + why;
  }

  /** A connected engine; only called once the condition above let the test run. */
  static DockerEngine engine() {
    DockerEngine engine = DockerEngine.connect(null);
    String why = engine.ping();
    if (why != null) {
      engine.close();
      fail(describe(why));
    }
    return engine;
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
    return runtime(engine, prefix, SessionNetworks.PER_SESSION);
  }

  static DockerRuntime runtime(DockerEngine engine, String prefix, SessionNetworks networks) {
    return new DockerRuntime(
        engine, prefix, instanceFor(prefix), DefaultImage.HOST_BUSYBOX, networks);
  }

  /** With {@code dockerPublishPorts} set ({@code auto} for the others: nothing is published). */
  static DockerRuntime runtime(
      DockerEngine engine,
      String prefix,
      SessionNetworks networks,
      PortPublishing.Mode publishPorts,
      DnsNames dns) {
    return new DockerRuntime(
        engine,
        prefix,
        instanceFor(prefix),
        DefaultImage.HOST_BUSYBOX,
        networks,
        SharedFiles.NONE,
        publishPorts,
        dns);
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
      // By tag, not by id: images of equal content share an id across prefixes, and removing
      // the id would untag another test's (or another run's) image too.
      tags.stream()
          .filter(t -> t.startsWith(prefix + "/"))
          .forEach(t -> quietly(() -> client.removeImageCmd(t).exec()));
    }
    // Images built by the class's runtime that lost their tags to a newer build.
    for (var image :
        client
            .listImagesCmd()
            .withLabelFilter(DockerImageEngine.IMAGE_INSTANCE + "=" + instanceFor(prefix))
            .exec()) {
      quietly(() -> client.removeImageCmd(image.getId()).withForce(true).exec());
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
