package dev.berth.template;

import java.time.Duration;
import java.util.List;

/**
 * How Berth tells that a session's app is ready. Sealed: an HTTP path, a TCP port, or a command.
 */
public sealed interface HealthProbe {
  /** How long to keep trying at start before the session is FAILED. */
  Duration startTimeout();

  /** Ready when {@code GET path} on {@code port} answers with a status below 500. */
  record Http(int port, String path, Duration startTimeout) implements HealthProbe {}

  /** Ready when {@code port} accepts a TCP connection. */
  record Tcp(int port, Duration startTimeout) implements HealthProbe {}

  /** Ready when {@code argv} run inside the session exits with code 0. */
  record Exec(List<String> argv, Duration startTimeout) implements HealthProbe {
    public Exec {
      argv = List.copyOf(argv);
    }
  }
}
