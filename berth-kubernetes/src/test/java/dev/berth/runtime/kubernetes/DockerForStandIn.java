package dev.berth.runtime.kubernetes;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link KubeletStandIn} needs a Docker engine and the host's static busybox. Without them the
 * tests that use it are skipped with a message, or fail when {@code CI} is set (CI provides both),
 * the rule every Docker test in Berth follows.
 */
final class DockerForStandIn implements ExecutionCondition {
  private static volatile String unavailable;
  private static volatile boolean asked;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = whyUnavailable();
    if (why == null) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError(why + "; CI is set, so the kubelet stand-in tests must run");
    }
    return ConditionEvaluationResult.disabled(
        why + "; tests through the kubelet stand-in skipped (set CI to make this a failure)");
  }

  private static synchronized String whyUnavailable() {
    if (!asked) {
      var r =
          KubeletStandIn.docker(java.util.List.of("version", "--format", "{{.Server.Version}}"));
      if (r.code() != 0) {
        unavailable = "no Docker engine answers the docker CLI: " + r.err();
      } else if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of("/bin/busybox"))) {
        unavailable = "no static busybox at /bin/busybox (apt-get install busybox-static)";
      }
      asked = true;
    }
    return unavailable;
  }
}
