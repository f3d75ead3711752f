package dev.berth.runtime.docker;

import org.junit.jupiter.api.BeforeAll;

/**
 * The multi-container contract with every session on one shared network ({@code dockerNetworks:
 * shared}): a session's containers still find each other by type, on a small network of the
 * session's own. That other sessions cannot reach them is DockerSharedMultiContainerTest's.
 */
class DockerSharedContainersContractTest extends DockerContainersContractTest {
  @BeforeAll
  static void connect() { // hides the superclass's: JUnit runs this one only
    engine = DockerTestSupport.engine();
    prefix = DockerTestSupport.newPrefix();
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.SHARED_NO_ICC);
  }
}
