package dev.berth.server;

import dev.berth.config.BerthConfig;
import dev.berth.runtime.Backends;
import dev.berth.runtime.local.LocalRuntime;
import java.io.PrintStream;

/**
 * Decides which runtimes a Berth runs, from the {@code backend} setting. Kept behind an interface
 * so that the Docker and Kubernetes modules can plug in without the server depending on them.
 */
@FunctionalInterface
public interface BackendChooser {
  Backends choose(BerthConfig config, String instance, PrintStream out);

  /** Only the local backend, whatever is configured: for tests of the edges. */
  static BackendChooser localOnly() {
    return (config, instance, out) -> {
      return Backends.of(new LocalRuntime(config.localSessionsDir(), instance));
    };
  }
}
