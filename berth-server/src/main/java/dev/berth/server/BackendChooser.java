package dev.berth.server;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.local.LocalRuntime;
import dev.berth.session.Backends;
import java.io.PrintStream;

/**
 * Decides which runtimes a Berth runs, from the {@code backend} setting. Kept behind an interface
 * so that the Docker and Kubernetes modules can plug in without the server depending on them.
 */
@FunctionalInterface
public interface BackendChooser {
  Backends choose(BerthConfig config, String instance, PrintStream out);

  /** Only the local backend (what {@code auto} falls back to when no engine answers). */
  static BackendChooser localOnly() {
    return (config, instance, out) -> {
      if (config.backend().equals("docker")) {
        throw new IllegalStateException(
            "backend 'docker' is configured, but this build of Berth has no Docker backend");
      }
      return Backends.of(new LocalRuntime(config.localSessionsDir(), instance));
    };
  }
}
