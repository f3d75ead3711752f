package dev.berth.runtime.docker;

import dev.berth.runtime.ServiceProcessesContract;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.Template;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of started processes and the service over them, against the real Docker engine, in
 * Berth's default image.
 */
@ExtendWith(DockerTestSupport.class)
class DockerProcessesContractTest extends ServiceProcessesContract {
  static DockerEngine engine;
  static String prefix;
  static DockerRuntime runtime;

  @BeforeAll
  static void connect() {
    engine = DockerTestSupport.engine();
    prefix = DockerTestSupport.newPrefix();
    runtime = DockerTestSupport.runtime(engine, prefix, SessionNetworks.PER_SESSION);
  }

  @AfterAll
  static void removeEverything() {
    if (engine != null) {
      DockerTestSupport.removeEverything(engine, prefix);
      engine.close();
    }
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected Template template(String name) {
    return TestTemplates.with(
        name, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty());
  }
}
