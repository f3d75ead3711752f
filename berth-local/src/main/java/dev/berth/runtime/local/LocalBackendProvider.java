package dev.berth.runtime.local;

import dev.berth.config.BackendSettings;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local backend: sessions as plain processes in {@code <home>/sessions}. Always there, always
 * able to run, and the one {@code backend: auto} falls back to; a Berth has exactly one, so there
 * are no named local backends. It reads no settings of its own.
 */
public final class LocalBackendProvider implements BackendProvider {
  @Override
  public String kind() {
    return "local";
  }

  /** The lowest: chosen by {@code auto} when no other kind opens. */
  @Override
  public int priority() {
    return 0;
  }

  @Override
  public boolean alwaysPresent() {
    return true;
  }

  @Override
  public Availability availability(BackendSettings settings, Map<String, String> env) {
    return new Availability(true, "always available (processes on this machine, no isolation)");
  }

  @Override
  public SessionRuntime open(BackendContext context) {
    return new LocalRuntime(sessionsDir(context.config().home()), context.instance());
  }

  /** Where local sessions' workspaces live. */
  public static Path sessionsDir(Path home) {
    return home.resolve("sessions");
  }
}
