package dev.berth.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A Docker engine of the test's own: its own {@code dockerd} with its own socket, data root, exec
 * root (and so its own containerd), pid file and configuration, in a network namespace of its own,
 * so that restarting, freezing or killing it touches nothing of the machine's engine or of other
 * tests. Needs root, {@code dockerd} and {@code unshare}; Berth's default image is built from the
 * host's busybox, so the empty engine needs no registry.
 *
 * <p>Why a network namespace: a second dockerd in the host's namespace deletes the host's {@code
 * docker0} interface at start-up (with {@code --bridge=none}, and here even with a bridge of its
 * own), which breaks the machine's engine for everyone. In its own namespace it can only touch its
 * own interfaces. The cost: ports it publishes on 127.0.0.1 are that namespace's loopback, not the
 * host's, so tests on it reach apps through exec, not through published ports.
 */
final class PrivateEngine implements AutoCloseable {
  private final Path dir;
  private final Path socket;
  private final List<String> argv;
  private Process daemon;
  private boolean frozen;

  private PrivateEngine(Path dir, List<String> extraArgs) throws IOException {
    this.dir = dir;
    this.socket = dir.resolve("docker.sock");
    Path config = dir.resolve("daemon.json");
    Files.writeString(config, "{}\n");
    String dockerd =
        String.join(
            " ",
            "exec dockerd",
            "--config-file",
            config.toString(),
            "-H",
            host(),
            "--data-root",
            dir.resolve("data").toString(),
            "--exec-root",
            dir.resolve("exec").toString(),
            "--pidfile",
            dir.resolve("docker.pid").toString(),
            "--bridge=none",
            "--iptables=false",
            String.join(" ", extraArgs));
    // unshare execs sh in a new network namespace, and sh execs dockerd: one process, whose pid
    // the test signals.
    this.argv = List.of("unshare", "--net", "sh", "-c", "ip link set lo up && " + dockerd);
  }

  /** Fails under CI, skips elsewhere, when a private engine cannot run here. */
  static void check() {
    Optional<String> why =
        !"root".equals(System.getProperty("user.name"))
            ? Optional.of("a private dockerd needs root")
            : !Files.isExecutable(Path.of("/usr/sbin/dockerd"))
                    && !Files.isExecutable(Path.of("/usr/bin/dockerd"))
                ? Optional.of("no dockerd binary (apt-get install docker.io)")
                : !Files.isExecutable(Path.of("/usr/bin/unshare"))
                    ? Optional.of("no unshare (util-linux)")
                    : Optional.empty();
    if (why.isPresent() && System.getenv("CI") != null) {
      throw new AssertionError(why.get() + "; CI is set, so the engine fault tests must run");
    }
    Assumptions.assumeTrue(why.isEmpty(), () -> "private engine tests skipped: " + why.get());
  }

  static PrivateEngine start() throws IOException {
    return start(List.of());
  }

  /**
   * An engine started with {@code dockerdArgs} besides the usual ones (each a single word, such as
   * {@code --userns-remap=default}).
   */
  static PrivateEngine start(List<String> dockerdArgs) throws IOException {
    // Short: a unix socket path must stay under 108 bytes.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "bpe");
    // Searchable by all (not readable): a remapped root must reach its own data root below it,
    // and dockerd refuses to start with --userns-remap when it cannot.
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    var engine = new PrivateEngine(dir, dockerdArgs);
    engine.startDaemon();
    return engine;
  }

  /** The engine's pid namespace is the host's: a container's processes as the host sees them. */
  List<Long> containerPids(String container) {
    String out = cli().run("top", container, "-eo", "pid");
    return out.lines()
        .skip(1)
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .map(Long::parseLong)
        .toList();
  }

  String host() {
    return "unix://" + socket;
  }

  DockerCli cli() {
    return new DockerCli(host());
  }

  private void startDaemon() {
    var pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
    try {
      daemon = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Awaitility.await("private dockerd answers at " + host())
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !daemon.isAlive() || cli().tryRun("version").exit() == 0);
    if (!daemon.isAlive()) {
      throw new AssertionError("private dockerd exited; see " + dir.resolve("dockerd.log"));
    }
  }

  private void stopDaemon() throws InterruptedException {
    if (daemon == null || !daemon.isAlive()) {
      return;
    }
    daemon.destroy(); // SIGTERM: dockerd stops its containers and exits, as on a restart
    if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Stops the engine (its containers stop with it) and starts it again. */
  void restart() throws InterruptedException {
    stopDaemon();
    startDaemon();
  }

  /** SIGSTOP: the engine accepts connections but answers nothing until {@link #thaw()}. */
  void freeze() {
    signal("STOP");
    frozen = true;
  }

  void thaw() {
    signal("CONT");
    frozen = false;
  }

  private void signal(String name) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(daemon.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " of dockerd failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Removes every container, stops the engine and deletes its directory. */
  @Override
  public void close() throws Exception {
    if (frozen) {
      thaw();
    }
    if (daemon != null && daemon.isAlive()) {
      String ids = cli().tryRun("ps", "-aq").output();
      for (String id : ids.split("\n")) {
        if (!id.isBlank()) {
          cli().tryRun("rm", "-f", id.strip());
        }
      }
    }
    stopDaemon();
    new ProcessBuilder("rm", "-rf", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }
}
