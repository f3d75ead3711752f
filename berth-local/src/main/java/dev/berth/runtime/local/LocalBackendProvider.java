package dev.berth.runtime.local;

import dev.berth.config.BackendSettings;
import dev.berth.config.ValueParsers;
import dev.berth.runtime.SessionRuntime;
import dev.berth.runtime.provider.Availability;
import dev.berth.runtime.provider.BackendContext;
import dev.berth.runtime.provider.BackendProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The local backend: sessions as plain processes in {@code <home>/sessions}. There unless turned
 * off ({@code localEnabled: false}), always able to run, and the one {@code backend: auto} falls
 * back to; a Berth has exactly one, so there are no named local backends.
 *
 * <p>Its sessions are not isolated: a session's exec is a shell as Berth's own user, which can read
 * {@code admin.token} and every other session's files. So a session token cannot hold its holder to
 * one local session, and local sessions get none unless the installation says it knows ({@code
 * localSessionTokens: true}).
 */
public final class LocalBackendProvider implements BackendProvider {
  /** {@code backends: {local: {enabled, sessionTokens}}} in berth.yaml sets the same keys. */
  static final Map<String, String> KEYS =
      keys("localEnabled", "true", "localSessionTokens", "false");

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Map<String, String> keys() {
    return KEYS;
  }

  @Override
  public void check(BackendSettings settings, List<String> errors) {
    settings.parse("localEnabled", ValueParsers::bool, errors);
    settings.parse("localSessionTokens", ValueParsers::bool, errors);
  }

  @Override
  public boolean enabled(BackendSettings settings) {
    return ValueParsers.bool(settings.raw("localEnabled"));
  }

  @Override
  public String disabledReason() {
    return "the local backend is turned off (localEnabled: false; set it to true, or run sessions"
        + " on Docker or Kubernetes)";
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
    boolean tokens =
        ValueParsers.bool(context.config().backendSettings(kind()).raw("localSessionTokens"));
    return new LocalRuntime(sessionsDir(context.config().home()), context.instance(), tokens);
  }

  private static Map<String, String> keys(String... keysAndDefaults) {
    var in = new java.util.LinkedHashMap<String, String>();
    for (int i = 0; i < keysAndDefaults.length; i += 2) {
      in.put(keysAndDefaults[i], keysAndDefaults[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(in);
  }

  /** Where local sessions' workspaces live. */
  public static Path sessionsDir(Path home) {
    return home.resolve("sessions");
  }
}
