package dev.berth.runtime.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.base.BerthException;
import dev.berth.base.ErrorCode;
import dev.berth.base.SessionId;
import dev.berth.runtime.ExecRequest;
import dev.berth.runtime.ExecResult;
import dev.berth.runtime.ObservedState;
import dev.berth.runtime.RuntimeSession;
import dev.berth.runtime.WorkspacePath;
import dev.berth.template.Template;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared set-up for tests against the real engine: one unique prefix per class (so the default
 * image is built once per class and everything is removed by prefix at the end), and every session
 * a test makes destroyed after it.
 */
@ExtendWith(DockerTestSupport.class)
abstract class DockerTestBase {
  static DockerEngine engine;
  static String prefix;
  static DockerRuntime runtime;
  private final List<RuntimeSession> made = new ArrayList<>();

  @BeforeAll
  static void connect() {
    engine = DockerTestSupport.engine();
    prefix = DockerTestSupport.newPrefix();
    runtime = DockerTestSupport.runtime(engine, prefix);
  }

  @AfterAll
  static void removeEverything() {
    if (engine != null) {
      DockerTestSupport.removeEverything(engine, prefix);
      engine.close();
    }
  }

  @AfterEach
  void destroySessions() {
    for (RuntimeSession s : made.reversed()) {
      try {
        runtime.destroy(s);
      } catch (RuntimeException ignored) {
        // best effort; removeEverything catches what is left
      }
    }
  }

  static String instance() {
    return DockerTestSupport.instanceFor(prefix);
  }

  RuntimeSession track(RuntimeSession s) {
    made.add(s);
    return s;
  }

  /**
   * The template as this class's sessions get it: as given here; a subclass that runs the same
   * tests in another sandbox (gVisor) changes it.
   */
  Template forThisClass(Template t) {
    return t;
  }

  RuntimeSession prepared(Template t) {
    RuntimeSession s = track(RuntimeSession.fresh(SessionId.generate(), forThisClass(t), Map.of()));
    return track(s.withState(runtime.prepare(s)));
  }

  RuntimeSession started(Template t) {
    RuntimeSession p = prepared(t);
    return track(p.withState(runtime.start(p).state()));
  }

  /** Where the running session answers on {@code port}, as inspect reports it. */
  static Optional<URI> endpoint(RuntimeSession s, int port) {
    return runtime.inspect(s) instanceof ObservedState.Running r
        ? Optional.ofNullable(r.endpoints().get(port))
        : Optional.empty();
  }

  /** The ports the session's container asked the engine to publish on the host (none: empty). */
  static Map<
          com.github.dockerjava.api.model.ExposedPort,
          com.github.dockerjava.api.model.Ports.Binding[]>
      publishedPorts(RuntimeSession s) {
    var bindings = container(s).getHostConfig().getPortBindings();
    return bindings == null ? Map.of() : bindings.getBindings();
  }

  static InspectContainerResponse container(RuntimeSession s) {
    return engine.client.inspectContainerCmd(s.state().get(DockerNames.KEY_CONTAINER)).exec();
  }

  static ExecResult sh(RuntimeSession s, String line) {
    return runtime
        .workspace(s)
        .exec(
            new ExecRequest(
                ExecRequest.shell(line),
                WorkspacePath.ROOT,
                Map.of(),
                new byte[0],
                Duration.ofSeconds(30),
                1 << 20));
  }

  static String out(ExecResult r) {
    return new String(r.stdout(), UTF_8);
  }

  static void write(RuntimeSession s, String path, String content) {
    runtime
        .workspace(s)
        .writeFile(
            WorkspacePath.parse(path), new ByteArrayInputStream(content.getBytes(UTF_8)), 1 << 20);
  }

  static String read(RuntimeSession s, String path) {
    return new String(runtime.workspace(s).readFile(WorkspacePath.parse(path), 1 << 20), UTF_8);
  }

  static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOf(BerthException.class)
        .satisfies(e -> assertThat(((BerthException) e).code()).isEqualTo(code));
  }
}
