package dev.berth.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes a container unremovable on the real engine, and removable again: {@code chattr +i} on its
 * directory under the engine's data root ({@code <DockerRootDir>/containers/<id>/}). The engine's
 * {@code rm -f} then kills the container (it ends up {@code Dead}) but cannot delete its files, and
 * answers "unable to remove filesystem ...: operation not permitted", as it would for a disk that
 * went read-only or a file another tool keeps locked. No fake: the engine itself refuses.
 *
 * <p>Needs root, an engine on this machine and a data root on a filesystem with the immutable
 * attribute (ext4, xfs, btrfs: a Debian machine with dockerd). Where that is missing the test is
 * skipped, or fails when CI is set: CI's machine is such a machine, so there it must run.
 */
final class ImmutableContainerDir implements AutoCloseable {
  private final DockerCli docker;
  private final List<Path> pinned = new ArrayList<>();

  ImmutableContainerDir(DockerCli docker) {
    this.docker = docker;
  }

  /** Makes {@code container} (a name or id) unremovable until {@link #release}. */
  void pin(String container) {
    Path dir = dirOf(container);
    Result r = chattr("+i", dir);
    if (r.exit() != 0) {
      unsupported("chattr +i " + dir + " failed (" + r.output() + ")");
    }
    pinned.add(dir);
  }

  /** Makes {@code container} removable again. */
  void release(String container) {
    Path dir = dirOf(container);
    Result r = chattr("-i", dir);
    if (r.exit() != 0) {
      throw new AssertionError("chattr -i " + dir + " failed: " + r.output());
    }
    pinned.remove(dir);
  }

  /** Releases whatever is still pinned, so that the test's cleanup can remove it. */
  @Override
  public void close() {
    for (Path dir : List.copyOf(pinned)) {
      chattr("-i", dir);
    }
    pinned.clear();
  }

  private Path dirOf(String container) {
    String root = docker.run("info", "--format", "{{.DockerRootDir}}");
    String id = docker.run("inspect", "--format", "{{.Id}}", container);
    Path dir = Path.of(root, "containers", id);
    if (!Files.isDirectory(dir)) {
      unsupported("the engine's container directory " + dir + " is not on this machine");
    }
    return dir;
  }

  private static void unsupported(String why) {
    String message =
        why + ": this test needs root and a local engine whose data root supports chattr +i";
    if (System.getenv("CI") != null) {
      throw new AssertionError(message + "; CI is set, so it must run");
    }
    Assumptions.abort(message);
  }

  private record Result(int exit, String output) {}

  private static Result chattr(String flag, Path dir) {
    try {
      Process p =
          new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "chattr took over 30 s");
      }
      return new Result(p.exitValue(), out.strip());
    } catch (java.io.IOException e) {
      return new Result(-1, e.toString()); // no chattr on this machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
