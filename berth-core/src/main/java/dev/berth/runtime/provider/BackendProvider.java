package dev.berth.runtime.provider;

import dev.berth.config.BackendSettings;
import dev.berth.config.BackendSettingsParser;
import dev.berth.config.BackendSpec;
import dev.berth.runtime.SessionRuntime;
import java.util.List;
import java.util.Map;

/**
 * One kind of backend, as a module offers it: found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.berth.runtime.provider.BackendProvider} file in the module names the
 * class), it declares the settings it reads (see {@link BackendSettingsParser}), says whether it
 * can run sessions here, and makes runtimes from its own settings. A provider holds no state: it is
 * asked, it answers, and what it opens belongs to the caller.
 *
 * <p>Without named backends a Berth runs the backends of every {@link #alwaysPresent} kind plus the
 * default: the kind {@code backend} names, or under {@code auto} the first kind, by descending
 * {@link #priority}, that {@link #open opens}. With named backends ({@code backends:} in
 * berth.yaml) each is made by {@link #openNamed} of its kind. See {@link BackendProviders#open}.
 */
public interface BackendProvider extends BackendSettingsParser {
  /**
   * The rank under {@code backend: auto}: kinds are tried from the highest, and the first that
   * opens is the default. Negative: never chosen by {@code auto}, only when configured (a cluster
   * is used on purpose, not because one happens to answer).
   */
  int priority();

  /**
   * Whether this kind's backend is part of every Berth that runs without named backends and beside
   * named ones, whatever the default (local: sessions may always ask for it by name). Such a kind
   * must always open.
   */
  boolean alwaysPresent();

  /**
   * Whether the installation left this kind on ({@code localEnabled: false} turns the local backend
   * off). A kind that is off is not opened, not chosen by {@code auto}, and a {@code backend} that
   * names it stops start-up with {@link #disabledReason}. On by default.
   *
   * @param settings this kind's top-level settings, already checked
   */
  default boolean enabled(BackendSettings settings) {
    return true;
  }

  /**
   * What a start-up error says about this kind when it is off, with the setting that turns it on.
   */
  default String disabledReason() {
    return "the " + kind() + " backend is turned off";
  }

  /**
   * Whether this kind could run sessions on this machine now, and why, in a sentence {@code berth
   * doctor} prints ({@code answers at /var/run/docker.sock}). Quick (a few seconds at most), with
   * no lasting effect; it may say that only the server can tell.
   *
   * @param settings this kind's top-level settings, already checked
   * @param env the process environment (e.g. {@code DOCKER_HOST})
   */
  Availability availability(BackendSettings settings, Map<String, String> env);

  /**
   * Opens this kind's backend from its top-level settings, as the backend named after the kind.
   *
   * @throws BackendUnavailableException when it cannot run sessions here (no engine answers), with
   *     what is wrong and what to do; whatever it had opened is closed by then
   */
  SessionRuntime open(BackendContext context);

  /**
   * Opens this kind's named backends, in the order given. Each spec's settings are checked here:
   * unknown ones and bad values are an IllegalStateException that names the backend and the
   * setting. A backend that does not answer is still returned, after a line on {@code
   * context.out()}: one engine down must not keep the other backends' sessions from being served.
   * On any failure, whatever it had opened is closed.
   *
   * @return the runtimes by backend name
   */
  default Map<String, SessionRuntime> openNamed(List<BackendSpec> specs, BackendContext context) {
    throw new IllegalStateException("backend kind '" + kind() + "' has no named backends");
  }
}
