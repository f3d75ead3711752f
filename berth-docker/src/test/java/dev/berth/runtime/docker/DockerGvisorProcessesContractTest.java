package dev.berth.runtime.docker;

import dev.berth.template.Sandbox;
import dev.berth.template.Template;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract of started processes again, with every session in gVisor ({@code runsc}). */
@ExtendWith(GvisorRequired.class)
class DockerGvisorProcessesContractTest extends DockerProcessesContractTest {

  @Override
  protected Template template(String name) {
    return super.template(name).toBuilder().sandbox(Sandbox.GVISOR).build();
  }
}
