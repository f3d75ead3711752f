package dev.berth.runtime.docker;

import dev.berth.base.BerthException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A folder of the manager's host mounted read-only into every session container: data sets,
 * licences, course material that every session reads and none may change. Bind-mounted, so the
 * folder must be on the engine's host (the usual case of a local socket).
 *
 * @param hostDirectory the folder; empty: no shared files
 * @param mountPath where sessions see it, an absolute path
 */
public record SharedFiles(Optional<Path> hostDirectory, String mountPath) {
  public static final SharedFiles NONE = new SharedFiles(Optional.empty(), "/files");

  public SharedFiles {
    if (mountPath == null || !mountPath.startsWith("/") || mountPath.equals("/")) {
      throw BerthException.badRequest(
          "the shared files mount path must be an absolute path below / (got " + mountPath + ")");
    }
    hostDirectory = hostDirectory.map(p -> p.toAbsolutePath().normalize());
  }

  public boolean enabled() {
    return hostDirectory.isPresent();
  }
}
