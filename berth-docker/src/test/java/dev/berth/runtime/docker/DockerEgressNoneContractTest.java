package dev.berth.runtime.docker;

import dev.berth.template.EgressPolicy;
import dev.berth.template.Template;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared runtime contract again, every session with {@code egress: none}: on an internal
 * network of its own kind (shared, the default), no port published, the app reached at the
 * container's address.
 */
class DockerEgressNoneContractTest extends DockerRuntimeContractTest {
  @BeforeAll
  static void closeTheNetwork() {
    networks = SessionNetworks.SHARED_NO_ICC;
    runtime = DockerTestSupport.runtime(engine, prefix, networks);
  }

  @Override
  protected Template template(String name, List<String> command, Optional<Path> skeleton) {
    return super.template(name, command, skeleton).toBuilder().egress(EgressPolicy.NONE).build();
  }
}
