package dev.berth.runtime.docker;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tests of gVisor sessions need an engine that offers the {@code runsc} runtime: with {@code
 * CI} set they fail without it (CI installs runsc and registers it, see .ci/run), otherwise they
 * are skipped with the way to add it. Put after {@link DockerTestSupport}, which decides about the
 * engine itself.
 */
final class GvisorRequired implements ExecutionCondition {
  private static volatile Boolean offered;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (offered()) {
      return ConditionEvaluationResult.enabled("the engine offers runsc");
    }
    String why =
        "the Docker engine has no runtime '"
            + SandboxRuntimes.DEFAULT_GVISOR
            + "'. "
            + SandboxRuntimes.howToAdd(SandboxRuntimes.DEFAULT_GVISOR);
    if (System.getenv("CI") != null) {
      throw new AssertionError(why + "; CI is set, so the gVisor tests must run");
    }
    return ConditionEvaluationResult.disabled(why + "; gVisor tests skipped");
  }

  private static synchronized boolean offered() {
    if (offered == null) {
      try (DockerEngine engine = DockerEngine.connect(null)) {
        var runtimes = engine.client.infoCmd().exec().getRuntimes();
        offered = runtimes != null && runtimes.containsKey(SandboxRuntimes.DEFAULT_GVISOR);
      } catch (RuntimeException e) {
        offered = false;
      }
    }
    return offered;
  }
}
