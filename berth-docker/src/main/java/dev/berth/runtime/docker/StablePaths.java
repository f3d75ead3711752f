package dev.berth.runtime.docker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a process start asks of a container's filesystem before every start, when the answer cannot
 * change while the container lives: that the workspace root is a directory (it is the volume's
 * mount point, which no process in the container can remove or replace) and that the image has
 * {@code /bin/sh}. Each is one {@code HEAD /archive} round trip to the engine, on the path to the
 * process's first byte, so a yes is kept per container id (a new container has a new id); a no is
 * asked again every time, so it is never stale when it matters.
 *
 * <p>A process inside the session could still delete its image's {@code /bin/sh}; processes started
 * after that then fail as they would if it had been deleted right after the check.
 */
final class StablePaths {
  /** Containers remembered; the oldest is forgotten past this, so removed ones do not pile up. */
  static final int MAX_CONTAINERS = 1024;

  private final DockerEngine engine;
  private final Map<String, Boolean> known =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 2 * MAX_CONTAINERS;
        }
      };

  StablePaths(DockerEngine engine) {
    this.engine = engine;
  }

  /** Whether {@code absPath} is a directory in the container (a yes is remembered). */
  boolean isDirectory(String containerId, String absPath) {
    return remembered(
        containerId + " dir " + absPath,
        () -> engine.stat(containerId, absPath).map(PathStat::isDirectory).orElse(false));
  }

  /** Whether the container has {@code /bin/sh} (a yes is remembered). */
  boolean hasShell(String containerId) {
    return remembered(
        containerId + " exists /bin/sh", () -> engine.stat(containerId, "/bin/sh").isPresent());
  }

  private boolean remembered(String key, java.util.function.BooleanSupplier ask) {
    synchronized (known) {
      if (known.containsKey(key)) {
        return true;
      }
    }
    boolean yes = ask.getAsBoolean();
    if (yes) {
      synchronized (known) {
        known.put(key, Boolean.TRUE);
      }
    }
    return yes;
  }
}
