package dev.berth.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Session containers a process was started in, by name, so that the next start skips the inspect
 * (one engine round trip on the path to the process's first byte). What a start takes from the
 * inspect never changes for a container id: the id itself, the configured user, the runtime. What
 * can change is not kept: whether the container still runs, and whether the name still belongs to
 * that container (a recreated one has a new id). The exec create on a stopped or removed container
 * fails, and the start then {@linkplain #forget forgets} it and begins again from a fresh inspect,
 * with the errors that one gives (CONFLICT for a container that does not run).
 */
final class KnownContainers {
  /** Names remembered; the least recently used is forgotten past this. */
  static final int MAX = 1024;

  private final Map<String, InspectContainerResponse> byName =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, InspectContainerResponse> eldest) {
          return size() > MAX;
        }
      };

  synchronized Optional<InspectContainerResponse> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Remembers {@code container}, seen running, under {@code name}. */
  synchronized void remember(String name, InspectContainerResponse container) {
    byName.put(name, container);
  }

  synchronized void forget(String name) {
    byName.remove(name);
  }
}
