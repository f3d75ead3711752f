package dev.berth.cli;

import dev.berth.runtime.docker.DockerEngineCheck;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The CLI module's rule for Docker tests: fail when CI is set and no engine answers, else skip. */
final class DockerRequired {
  private DockerRequired() {}

  static void check() {
    Optional<String> why =
        DockerEngineCheck.socket("", System.getenv()).flatMap(DockerEngineCheck::problem);
    if (why.isPresent() && System.getenv("CI") != null) {
      throw new AssertionError(why.get() + "; CI is set, so the Docker tests must run");
    }
    Assumptions.assumeTrue(why.isEmpty(), () -> "Docker tests skipped: " + why.orElse(""));
  }
}
