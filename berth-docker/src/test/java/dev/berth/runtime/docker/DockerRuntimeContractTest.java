package dev.berth.runtime.docker;

import dev.berth.runtime.RuntimeContract;
import dev.berth.runtime.SessionRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared runtime contract, against the real Docker engine. */
@ExtendWith(DockerTestSupport.class)
class DockerRuntimeContractTest extends RuntimeContract {
  static DockerEngine engine;
  static String prefix;
  static DockerRuntime runtime;
  static SessionNetworks networks;
  private final List<DockerRuntime> fresh = new ArrayList<>();

  @BeforeAll
  static void connect() {
    engine = DockerTestSupport.engine();
    prefix = DockerTestSupport.newPrefix();
    networks = SessionNetworks.PER_SESSION;
    runtime = DockerTestSupport.runtime(engine, prefix, networks);
  }

  @AfterAll
  static void removeEverything() {
    if (engine != null) {
      DockerTestSupport.removeEverything(engine, prefix);
      engine.close();
    }
  }

  @AfterEach
  void closeFreshRuntimes() {
    fresh.forEach(DockerRuntime::close);
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected SessionRuntime freshRuntime() {
    var r =
        new DockerRuntime((String) null, prefix, DockerTestSupport.instanceFor(prefix), networks);
    fresh.add(r);
    return r;
  }
}
