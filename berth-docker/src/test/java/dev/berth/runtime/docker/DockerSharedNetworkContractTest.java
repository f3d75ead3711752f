package dev.berth.runtime.docker;

import org.junit.jupiter.api.BeforeAll;

/** The shared runtime contract again, with all sessions on one network without ICC. */
class DockerSharedNetworkContractTest extends DockerRuntimeContractTest {
  @BeforeAll
  static void shareTheNetwork() {
    networks = SessionNetworks.SHARED_NO_ICC;
    runtime = DockerTestSupport.runtime(engine, prefix, networks);
  }
}
