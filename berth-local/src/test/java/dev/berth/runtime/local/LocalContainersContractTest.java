package dev.berth.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runtime.RuntimeContainersContract;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.TestTemplates;
import dev.berth.template.SessionContainer;
import dev.berth.template.SessionContainers;
import dev.berth.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared multi-container contract on the local backend, where each container is a process tree
 * of its own in the session's workspace. Two of its cases work otherwise here, as documented: the
 * containers reach each other at {@code $BERTH_HOST_<TYPE>} (127.0.0.1, no DNS for type names), and
 * a read-only mount is refused rather than run writable, so its case is skipped.
 *
 * <p>The contract's commands are busybox's; the host has busybox but not all of its applets as
 * commands (httpd, nc), so the containers get a PATH with those links first.
 */
class LocalContainersContractTest extends RuntimeContainersContract {
  private LocalRuntime runtime;

  @BeforeEach
  void setUp() {
    runtime = new LocalRuntime(tmp.resolve("sessions"), "test-contract");
  }

  @Override
  protected SessionRuntime runtime() {
    return runtime;
  }

  @Override
  protected Template template(String name) {
    return TestTemplates.plain(name);
  }

  @Override
  protected boolean mountsReadOnly() {
    return false;
  }

  @Override
  protected String reach(String type, int port) {
    return "\"$BERTH_HOST_" + LocalAddresses.variable(type) + "\" " + port;
  }

  @Override
  protected Template pipeline() {
    Template t = super.pipeline();
    Map<String, String> env = Map.of("PATH", busyboxPath() + ":" + System.getenv("PATH"));
    return t.toBuilder()
        .containers(
            SessionContainers.ordered(
                t.containers().inStartOrder().stream().map(c -> withEnv(c, env)).toList()))
        .build();
  }

  static SessionContainer withEnv(SessionContainer c, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(c.env());
    env.putAll(more);
    return new SessionContainer(
        c.type(),
        c.image(),
        c.templateImage(),
        c.command(),
        env,
        c.ports(),
        c.probe(),
        c.resources(),
        c.user(),
        c.start(),
        c.after(),
        c.subPath(),
        c.readOnly());
  }

  /** A folder of links to busybox for the applets the contract's commands use. */
  private String busyboxPath() {
    Path busybox = Path.of("/bin/busybox");
    assertThat(busybox).as("these tests need busybox on the host").isExecutable();
    Path bin = tmp.resolve("busybox-bin");
    try {
      Files.createDirectories(bin);
      for (String applet : List.of("httpd", "nc")) {
        if (!Files.exists(bin.resolve(applet))) {
          Files.createSymbolicLink(bin.resolve(applet), busybox);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bin.toString();
  }
}
